import { ApiProblem, NetworkError } from '../shared/api/problem';

/**
 * When the kiosk asks the server again. A check-in carries an Idempotency-Key, so asking
 * again with the same key can never make a second ticket (docs/api.md): the server either
 * replays the first answer or makes the one ticket it has not made yet.
 */

/** Worth asking again: no answer at all, a busy or failing server, or our own key still
 *  being processed (an earlier attempt reached the server after all). */
export const isRetryable = (error: unknown): boolean =>
  error instanceof NetworkError ||
  (error instanceof ApiProblem &&
    (error.status >= 500 || error.status === 429 || error.code === 'IDEMPOTENCY_IN_PROGRESS'));

/** Attempts after the first: 1 + 2 + 4 + 8 + 10 × 4 ≈ 55 s before the screen gives up and
 *  asks the patient to tap again (same key) or go to the desk. */
export const CHECK_IN_RETRIES = 8;

const MAX_DELAY_MS = 10_000;

/**
 * Exponential backoff from 1 s, capped at 10 s, with ±20 % jitter so a clinic's kiosks do
 * not all knock at once when the server comes back; the server's `Retry-After` wins.
 * `failures` counts failures before this one (TanStack Query's convention: 0 first).
 */
export const retryDelayMs = (
  failures: number,
  error: unknown,
  random: () => number = Math.random,
): number => {
  if (error instanceof ApiProblem && error.retryAfterSeconds !== null) {
    return Math.min(error.retryAfterSeconds * 1000, MAX_DELAY_MS * 3);
  }
  const base = Math.min(1000 * 2 ** failures, MAX_DELAY_MS);
  return Math.round(base * (0.8 + 0.4 * random()));
};
