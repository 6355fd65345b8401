import { describe, expect, it } from 'vitest';
import {
  LOCAL_REDIS_URL,
  NOTHING_TO_TEST_ON,
  planTestServices,
  provideTestServices,
  resolveTestServices,
  type ContainerRuntime,
} from './test-services.js';

/** Issue 10, item 7: which Postgres and Redis a run uses, and that Docker is asked only when needed. */
const PG = 'postgres://postgres@db.example:5432/postgres';
const PG_DEV = 'postgres://me@localhost:5432/dev';
const REDIS = 'redis://cache.example:6379';

describe('planTestServices', () => {
  it.each([
    [
      'TEST_DATABASE_URL and TEST_REDIS_URL',
      { TEST_DATABASE_URL: PG, TEST_REDIS_URL: REDIS },
      { databaseUrl: PG, redisUrl: REDIS },
      'Postgres from TEST_DATABASE_URL, Redis from TEST_REDIS_URL',
    ],
    [
      'TEST_* before the service variables',
      {
        TEST_DATABASE_URL: PG,
        DATABASE_URL: PG_DEV,
        TEST_REDIS_URL: REDIS,
        REDIS_URL: 'redis://x',
      },
      { databaseUrl: PG, redisUrl: REDIS },
      'Postgres from TEST_DATABASE_URL, Redis from TEST_REDIS_URL',
    ],
    [
      'DATABASE_URL and REDIS_URL when no TEST_*',
      { DATABASE_URL: PG_DEV, REDIS_URL: REDIS },
      { databaseUrl: PG_DEV, redisUrl: REDIS },
      'Postgres from DATABASE_URL, Redis from REDIS_URL',
    ],
    [
      'a database URL alone: the local Redis, as before',
      { TEST_DATABASE_URL: PG },
      { databaseUrl: PG, redisUrl: LOCAL_REDIS_URL },
      `Postgres from TEST_DATABASE_URL, Redis from the local default ${LOCAL_REDIS_URL}`,
    ],
    [
      'a blank TEST_DATABASE_URL counts as unset',
      { TEST_DATABASE_URL: '  ', DATABASE_URL: PG_DEV },
      { databaseUrl: PG_DEV, redisUrl: LOCAL_REDIS_URL },
      `Postgres from DATABASE_URL, Redis from the local default ${LOCAL_REDIS_URL}`,
    ],
  ])('%s → the URLs, whether Docker answers or not', (_, env, urls, reason) => {
    for (const docker of [true, false]) {
      expect(planTestServices(env, docker)).toEqual({ source: 'urls', ...urls, reason });
    }
  });

  it('no database URL and Docker answers → containers for Postgres and Redis', () => {
    const plan = planTestServices({}, true);
    expect(plan).toMatchObject({ source: 'containers', redisUrl: undefined });
    expect(plan.reason).toContain('starts Postgres and Redis');
  });

  it('no database URL, a Redis URL and Docker → a Postgres container and the given Redis', () => {
    const plan = planTestServices({ TEST_REDIS_URL: REDIS }, true);
    expect(plan).toMatchObject({ source: 'containers', redisUrl: REDIS });
    expect(plan.reason).toContain('starts Postgres; Redis from TEST_REDIS_URL');
  });

  it.each([{}, { TEST_REDIS_URL: REDIS }, { TEST_DATABASE_URL: '' }])(
    'no database URL and no Docker (%j) → one line saying what to set',
    (env) => {
      const plan = planTestServices(env, false);
      expect(plan).toEqual({ source: 'none', reason: NOTHING_TO_TEST_ON });
      expect(NOTHING_TO_TEST_ON).not.toContain('\n');
      expect(NOTHING_TO_TEST_ON).toMatch(/set TEST_DATABASE_URL .* and TEST_REDIS_URL .*Docker/);
    },
  );
});

describe('resolveTestServices', () => {
  it('never asks Docker when a database URL is given', async () => {
    let asked = 0;
    const plan = await resolveTestServices({ TEST_DATABASE_URL: PG }, async () => {
      asked += 1;
      return true;
    });
    expect(plan.source).toBe('urls');
    expect(asked).toBe(0);
  });

  it.each([
    [true, 'containers'],
    [false, 'none'],
  ])('asks Docker once without one (answers: %s → %s)', async (answers, source) => {
    let asked = 0;
    const plan = await resolveTestServices({}, async () => {
      asked += 1;
      return answers;
    });
    expect(plan.source).toBe(source);
    expect(asked).toBe(1);
  });
});

/** A container runtime that records what it was asked to do. */
const fakeDocker = (answers: boolean) => {
  const calls: string[] = [];
  const runtime: ContainerRuntime = {
    answers: async () => {
      calls.push('answers');
      return answers;
    },
    start: async ({ redis }) => {
      calls.push(redis ? 'start postgres+redis' : 'start postgres');
      return {
        databaseUrl: 'postgres://test:test@localhost:32768/postgres',
        redisUrl: redis ? 'redis://localhost:32769' : undefined,
        stop: async () => {
          calls.push('stop');
        },
      };
    },
  };
  return { runtime, calls };
};

const quiet = (): void => undefined;

describe('provideTestServices', () => {
  it('with URLs: touches no container and leaves the environment as it was', async () => {
    const { runtime, calls } = fakeDocker(true);
    const env = { TEST_DATABASE_URL: PG, TEST_REDIS_URL: REDIS };
    const stop = await provideTestServices(env, runtime, quiet);
    await stop();
    expect(calls).toEqual([]);
    expect(env).toEqual({ TEST_DATABASE_URL: PG, TEST_REDIS_URL: REDIS });
  });

  it('with Docker: starts both, hands their URLs to the run, and stops them at the end', async () => {
    const { runtime, calls } = fakeDocker(true);
    const env: Record<string, string | undefined> = {};
    const stop = await provideTestServices(env, runtime, quiet);
    expect(env).toEqual({
      TEST_DATABASE_URL: 'postgres://test:test@localhost:32768/postgres',
      TEST_REDIS_URL: 'redis://localhost:32769',
    });
    expect(calls).toEqual(['answers', 'start postgres+redis']);
    await stop();
    expect(calls).toEqual(['answers', 'start postgres+redis', 'stop']);
  });

  it('with Docker and a Redis URL: starts Postgres only and keeps the given Redis', async () => {
    const { runtime, calls } = fakeDocker(true);
    const env: Record<string, string | undefined> = { TEST_REDIS_URL: REDIS };
    await provideTestServices(env, runtime, quiet);
    expect(calls).toEqual(['answers', 'start postgres']);
    expect(env.TEST_REDIS_URL).toBe(REDIS);
  });

  it('with neither: fails with the one line and no stack', async () => {
    const { runtime, calls } = fakeDocker(false);
    const failure = await provideTestServices({}, runtime, quiet).then(
      () => null,
      (error: unknown) => error as Error,
    );
    expect(failure?.message).toBe(NOTHING_TO_TEST_ON);
    expect(failure?.stack).toBe(NOTHING_TO_TEST_ON);
    expect(calls).toEqual(['answers']);
  });
});
