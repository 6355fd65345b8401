import { Redis } from 'ioredis';

/**
 * Deletes the idempotency answers the benchmark's own credentials left in Redis (each kept
 * 24 h by the server: tens of megabytes per run). Only keys under `mq:idem:<credential>:`
 * for the credentials this run created — never anything else, never FLUSHDB.
 */
export const deleteIdempotencyKeys = async (
  url: string,
  credentials: readonly string[],
): Promise<number> => {
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 2 });
  await redis.connect();
  let deleted = 0;
  try {
    for (const credential of credentials) {
      let cursor = '0';
      do {
        const [next, keys] = await redis.scan(
          cursor,
          'MATCH',
          `mq:idem:${credential}:*`,
          'COUNT',
          1000,
        );
        cursor = next;
        if (keys.length > 0) deleted += await redis.unlink(...keys);
      } while (cursor !== '0');
    }
  } finally {
    redis.disconnect();
  }
  return deleted;
};
