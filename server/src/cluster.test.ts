import { describe, expect, it } from 'vitest';
import { clusterWorkers } from './cluster.js';
import { loadConfig } from './config.js';

const configWith = (env: NodeJS.ProcessEnv) =>
  loadConfig({ NODE_ENV: 'test', JWT_SECRET: 'x'.repeat(40), ...env }).config;

const pg = 'postgres://app@db:5432/mediqueue';
const redis = 'redis://redis:6379';

describe('WEB_CONCURRENCY', () => {
  it.each([
    [{}, 1, null],
    [{ WEB_CONCURRENCY: '1', DATABASE_URL: pg, REDIS_URL: redis }, 1, null],
    [{ WEB_CONCURRENCY: '4', DATABASE_URL: pg, REDIS_URL: redis }, 4, null],
    [{ WEB_CONCURRENCY: '4', DATABASE_URL: pg }, 1, /REDIS_URL not set/],
    [{ WEB_CONCURRENCY: '2', REDIS_URL: redis }, 1, /DATABASE_URL not set/],
    [{ WEB_CONCURRENCY: '2' }, 1, /DATABASE_URL and REDIS_URL not set.*embedded mode/],
  ] as const)('%o → %i process(es)', (env, workers, warning) => {
    const plan = clusterWorkers(configWith(env));
    expect(plan.workers).toBe(workers);
    if (warning === null) expect(plan.warning).toBeNull();
    else expect(plan.warning).toMatch(warning);
  });

  it('is a positive whole number', () => {
    expect(() => configWith({ WEB_CONCURRENCY: '0' })).toThrow(/WEB_CONCURRENCY/);
    expect(() => configWith({ WEB_CONCURRENCY: 'two' })).toThrow(/WEB_CONCURRENCY/);
  });
});
