/**
 * One error type for every rule the domain or application refuses. `code` is the stable
 * identifier clients branch on; the presentation layer maps it to an HTTP status through a
 * table that fails to compile when a code has no status.
 */
export const domainErrorCodes = [
  'VALIDATION_FAILED',
  'UNAUTHENTICATED',
  'INVALID_CREDENTIALS',
  'FORBIDDEN',
  'NOT_FOUND',
  'ALREADY_EXISTS',
  'VERSION_CONFLICT',
  'QUEUE_EMPTY',
  'IDEMPOTENCY_IN_PROGRESS',
  'INVALID_TRANSITION',
  'IDEMPOTENCY_KEY_REUSED',
  'RATE_LIMITED',
  'ACCOUNT_LOCKED',
  'UNAVAILABLE',
] as const;

export type DomainErrorCode = (typeof domainErrorCodes)[number];

/** Extra, client-safe facts about an error (e.g. `currentVersion`, `state`). */
export type DomainErrorDetails = Readonly<Record<string, string | number | boolean | null>>;

export class DomainError extends Error {
  override readonly name = 'DomainError';

  constructor(
    readonly code: DomainErrorCode,
    message: string,
    readonly details: DomainErrorDetails = {},
  ) {
    super(message);
  }
}

export const isDomainError = (e: unknown): e is DomainError => e instanceof DomainError;

export const notFound = (what: string): DomainError =>
  new DomainError('NOT_FOUND', `${what} not found`);
