import { Redis } from 'ioredis';
import type { Logger } from 'pino';

/**
 * A Redis connection with bounded waits: a command times out after 2 s instead of hanging
 * a request, and while disconnected commands fail fast (no offline queue) so callers can
 * fall back to Postgres.
 */
export const openRedis = (url: string, name: string, logger?: Logger): Redis => {
  const redis = new Redis(url, {
    connectionName: `mediqueue-${name}`,
    commandTimeout: 2_000,
    connectTimeout: 5_000,
    maxRetriesPerRequest: 1,
    enableOfflineQueue: name === 'subscriber', // SUBSCRIBE must survive a reconnect
    retryStrategy: (attempt) => Math.min(attempt * 200, 2_000),
  });
  redis.on('error', (err) =>
    logger?.warn({ err: { message: err.message }, connection: name }, 'redis error'),
  );
  return redis;
};
