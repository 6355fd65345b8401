/**
 * Postgres and Redis in containers, for a laptop with Docker and no database URL
 * (test-services.ts decides). Testcontainers is imported only here and only on that path:
 * a run with URLs never loads it.
 *
 * The images match what the service is deployed with (docker-compose.yml). The user is a
 * superuser, as the tests need: they create databases from a template and roles.
 */
const POSTGRES_IMAGE = 'postgres:15';
const REDIS_IMAGE = 'redis:7';

/** A Docker engine that would not answer within this is treated as absent. */
const PROBE_TIMEOUT_MS = 15_000;

export const dockerAnswers = async (): Promise<boolean> => {
  const { getContainerRuntimeClient } = await import('testcontainers');
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), PROBE_TIMEOUT_MS);
  });
  try {
    return await Promise.race([getContainerRuntimeClient().then(() => true), timeout]);
  } catch {
    // "Could not find a working container runtime strategy": no engine.
    return false;
  } finally {
    clearTimeout(timer);
  }
};

export interface StartedServices {
  readonly databaseUrl: string;
  /** Undefined when Redis was not asked for. */
  readonly redisUrl: string | undefined;
  /** Stops what was started; Ryuk removes the containers anyway if this process dies first. */
  stop(): Promise<void>;
}

export const startContainers = async (options: { redis: boolean }): Promise<StartedServices> => {
  const { PostgreSqlContainer } = await import('@testcontainers/postgresql');
  const { RedisContainer } = await import('@testcontainers/redis');
  const [postgres, redis] = await Promise.allSettled([
    new PostgreSqlContainer(POSTGRES_IMAGE)
      .withDatabase('postgres')
      .withUsername('postgres')
      .withPassword('postgres')
      .start(),
    options.redis ? new RedisContainer(REDIS_IMAGE).start() : Promise.resolve(undefined),
  ]);
  if (postgres.status === 'rejected' || redis.status === 'rejected') {
    // Do not leave the one that started running until Ryuk notices.
    await Promise.allSettled([
      postgres.status === 'fulfilled' && postgres.value.stop(),
      redis.status === 'fulfilled' && redis.value?.stop(),
    ]);
    throw postgres.status === 'rejected'
      ? postgres.reason
      : (redis as PromiseRejectedResult).reason;
  }
  return {
    databaseUrl: postgres.value.getConnectionUri(),
    redisUrl: redis.value?.getConnectionUrl(),
    stop: async () => {
      await Promise.all([postgres.value.stop(), redis.value?.stop()]);
    },
  };
};
