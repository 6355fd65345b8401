import type { Problem } from './types';

/** An RFC 9457 problem the server answered; screens branch on `code`. */
export class ApiProblem extends Error {
  readonly status: number;
  readonly code: string;
  readonly problem: Partial<Problem>;
  readonly retryAfterSeconds: number | null;

  constructor(status: number, problem: Partial<Problem>, retryAfterSeconds: number | null) {
    super(problem.detail ?? problem.title ?? `HTTP ${status}`);
    this.name = 'ApiProblem';
    this.status = status;
    this.code = problem.code ?? `HTTP_${status}`;
    this.problem = problem;
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

/** The request never got an answer (offline, server down, aborted). Safe to retry. */
export class NetworkError extends Error {
  constructor(cause: unknown) {
    super('The server could not be reached', { cause });
    this.name = 'NetworkError';
  }
}

export const isUnauthorized = (err: unknown): boolean =>
  err instanceof ApiProblem && err.status === 401;
