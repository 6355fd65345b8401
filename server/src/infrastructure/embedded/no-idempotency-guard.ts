import type { IdempotencyGuard } from '../../application/ports.js';

/**
 * Embedded mode has one process and no Redis: the database record alone decides. A twin
 * request waits on the record's unique index and then replays, instead of getting 409.
 */
export const noIdempotencyGuard: IdempotencyGuard = {
  claim: async () => ({ kind: 'claimed', owner: '' }),
  complete: async () => {},
  release: async () => {},
};
