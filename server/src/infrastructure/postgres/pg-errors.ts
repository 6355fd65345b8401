import { DomainError } from '../../domain/errors.js';

/** pg and PGlite both expose SQLSTATE as `code` and the violated constraint's name. */
interface DbError {
  readonly code?: unknown;
  readonly constraint?: unknown;
  readonly message?: unknown;
}

const isUniqueViolation = (e: unknown, constraint: string): boolean => {
  if (typeof e !== 'object' || e === null) return false;
  const err = e as DbError;
  if (err.code !== '23505') return false;
  return (
    err.constraint === constraint ||
    (typeof err.message === 'string' && err.message.includes(constraint))
  );
};

/**
 * Runs a write and turns a unique violation on one of the named constraints into the
 * domain's ALREADY_EXISTS (the database guards uniqueness; we never check-then-insert).
 */
export const translateUnique = async <T>(
  write: () => Promise<T>,
  constraints: Readonly<Record<string, string>>,
): Promise<T> => {
  try {
    return await write();
  } catch (e) {
    for (const [constraint, what] of Object.entries(constraints)) {
      if (isUniqueViolation(e, constraint)) {
        throw new DomainError('ALREADY_EXISTS', `${what} already exists`);
      }
    }
    throw e;
  }
};
