import { describe, expect, it } from 'vitest';
import { ApiProblem, NetworkError } from '../shared/api/problem';
import { isRetryable, retryDelayMs } from './retry-policy';

const problem = (status: number, code: string, retryAfter: number | null = null) =>
  new ApiProblem(status, { code }, retryAfter);

describe('isRetryable', () => {
  it.each([
    ['no answer at all', new NetworkError(new TypeError('Failed to fetch')), true],
    ['a failing server', problem(500, 'INTERNAL'), true],
    ['a dependency down', problem(503, 'UNAVAILABLE', 2), true],
    ['too many check-ins', problem(429, 'RATE_LIMITED', 5), true],
    ['our key still in progress', problem(409, 'IDEMPOTENCY_IN_PROGRESS', 1), true],
    ['a revoked kiosk', problem(401, 'UNAUTHENTICATED'), false],
    ['a department out of scope', problem(403, 'FORBIDDEN'), false],
    ['a closed department', problem(404, 'NOT_FOUND'), false],
    ['an invalid request', problem(400, 'VALIDATION_FAILED'), false],
    ['a key reused with another body', problem(422, 'IDEMPOTENCY_KEY_REUSED'), false],
    ['a bug', new Error('boom'), false],
  ])('%s → %s', (_what, error, expected) => {
    expect(isRetryable(error)).toBe(expected);
  });
});

describe('retryDelayMs', () => {
  const none = () => 0.5; // jitter factor exactly 1

  it('doubles from 1 s and stops growing at 10 s', () => {
    const error = new NetworkError(null);
    expect([0, 1, 2, 3, 4, 5, 9].map((n) => retryDelayMs(n, error, none))).toEqual([
      1000, 2000, 4000, 8000, 10_000, 10_000, 10_000,
    ]);
  });

  it('spreads retries by ±20 %', () => {
    const error = new NetworkError(null);
    expect(retryDelayMs(0, error, () => 0)).toBe(800);
    expect(retryDelayMs(0, error, () => 1)).toBe(1200);
  });

  it('waits as long as the server says', () => {
    expect(retryDelayMs(0, problem(409, 'IDEMPOTENCY_IN_PROGRESS', 1), none)).toBe(1000);
    expect(retryDelayMs(0, problem(429, 'RATE_LIMITED', 12), none)).toBe(12_000);
  });
});
