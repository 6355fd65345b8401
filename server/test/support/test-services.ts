/**
 * Where the integration tests find Postgres and Redis (docs/testing.md, "Databases").
 *
 * URLs come first, and when a database URL is given Docker is never asked: CI and these
 * machines set TEST_DATABASE_URL and have no Docker engine, so a probe there would only cost
 * time. Without a database URL, Testcontainers starts Postgres (and Redis, unless a Redis
 * URL is given) when a Docker engine answers. With neither, the run stops with one line
 * that says what to set.
 */
export const LOCAL_REDIS_URL = 'redis://127.0.0.1:6379';

export type TestServicesPlan =
  | {
      readonly source: 'urls';
      readonly databaseUrl: string;
      readonly redisUrl: string;
      readonly reason: string;
    }
  | {
      readonly source: 'containers';
      /** A Redis URL that was given; undefined: start Redis too. */
      readonly redisUrl: string | undefined;
      readonly reason: string;
    }
  | { readonly source: 'none'; readonly reason: string };

type Env = Readonly<Record<string, string | undefined>>;

const given = (value: string | undefined): string | undefined => {
  const trimmed = value?.trim();
  return trimmed === undefined || trimmed === '' ? undefined : trimmed;
};

const firstGiven = (env: Env, names: readonly string[]) => {
  for (const name of names) {
    const value = given(env[name]);
    if (value !== undefined) return { name, value };
  }
  return undefined;
};

const databaseVars = ['TEST_DATABASE_URL', 'DATABASE_URL'] as const;
const redisVars = ['TEST_REDIS_URL', 'REDIS_URL'] as const;

export const NOTHING_TO_TEST_ON =
  'Integration tests need Postgres and Redis: set TEST_DATABASE_URL (e.g. ' +
  'postgres://postgres@127.0.0.1:5432/postgres) and TEST_REDIS_URL (e.g. ' +
  `${LOCAL_REDIS_URL}), or start a Docker engine so Testcontainers can run them.`;

/** TEST_DATABASE_URL, else DATABASE_URL; blank counts as unset. */
export const databaseUrlFrom = (env: Env): string | undefined =>
  firstGiven(env, databaseVars)?.value;

/** Whether the plan depends on Docker at all: only when no database URL is given. */
export const needsDocker = (env: Env): boolean => databaseUrlFrom(env) === undefined;

/** The decision, from the environment and whether a Docker engine answered. Pure. */
export const planTestServices = (env: Env, dockerAnswers: boolean): TestServicesPlan => {
  const database = firstGiven(env, databaseVars);
  const redis = firstGiven(env, redisVars);
  if (database !== undefined) {
    return {
      source: 'urls',
      databaseUrl: database.value,
      redisUrl: redis?.value ?? LOCAL_REDIS_URL,
      reason:
        `Postgres from ${database.name}, Redis from ` +
        (redis === undefined ? `the local default ${LOCAL_REDIS_URL}` : redis.name),
    };
  }
  if (!dockerAnswers) return { source: 'none', reason: NOTHING_TO_TEST_ON };
  return {
    source: 'containers',
    redisUrl: redis?.value,
    reason:
      'no TEST_DATABASE_URL or DATABASE_URL and a Docker engine answers: Testcontainers ' +
      (redis === undefined
        ? 'starts Postgres and Redis'
        : `starts Postgres; Redis from ${redis.name}`),
  };
};

/** The plan, asking Docker (a slow call where nothing answers) only when it matters. */
export const resolveTestServices = async (
  env: Env,
  dockerAnswers: () => Promise<boolean>,
): Promise<TestServicesPlan> =>
  planTestServices(env, needsDocker(env) ? await dockerAnswers() : false);

export interface ContainerRuntime {
  answers(): Promise<boolean>;
  start(options: {
    redis: boolean;
  }): Promise<{ databaseUrl: string; redisUrl: string | undefined; stop(): Promise<void> }>;
}

/** One line, no stack: what to set is all the reader needs. */
const oneLine = (message: string): Error => {
  const error = new Error(message);
  error.stack = message;
  return error;
};

/**
 * Carries the plan out. Containers' URLs are written into `env` (process.env in the global
 * setup) before any test file loads, so every file, and every process a test spawns, finds
 * them where it finds given URLs. Returns what stops the containers; a no-op otherwise.
 */
export const provideTestServices = async (
  env: Record<string, string | undefined>,
  docker: ContainerRuntime,
  log: (line: string) => void = console.log,
): Promise<() => Promise<void>> => {
  const plan = await resolveTestServices(env, () => docker.answers());
  if (plan.source === 'none') throw oneLine(plan.reason);
  if (plan.source === 'urls') return async () => undefined;
  log(`Integration tests: ${plan.reason}…`);
  const started = await docker.start({ redis: plan.redisUrl === undefined });
  env.TEST_DATABASE_URL = started.databaseUrl;
  env.TEST_REDIS_URL = plan.redisUrl ?? started.redisUrl;
  return () => started.stop();
};
