import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { runTs, serverDir } from '../support/process.js';

/** Production refuses an insecure configuration; development warns. */
const production = {
  NODE_ENV: 'production',
  JWT_SECRET: 'kT9vQ2mX7pL4wR8nB3zY6cF1hJ5sD0gA-strong-enough',
  DATABASE_URL: 'postgres://db/mediqueue',
  REDIS_URL: 'redis://redis:6379',
  METRICS_TOKEN: 'metrics-token-0123456789',
};

describe('configuration', () => {
  it('accepts a complete production configuration', () => {
    expect(loadConfig(production).warnings).toEqual([]);
  });

  it.each([
    ['JWT_SECRET', { JWT_SECRET: undefined }, /JWT_SECRET is not set.*randomBytes/],
    ['JWT_SECRET', { JWT_SECRET: 'too-short-0123' }, /JWT_SECRET is shorter than 32/],
    [
      'JWT_SECRET',
      { JWT_SECRET: 'my-changeme-secret-value-that-is-long-enough' },
      /JWT_SECRET contains the word/,
    ],
    ['DATABASE_URL', { DATABASE_URL: undefined }, /DATABASE_URL is not set/],
    ['REDIS_URL', { REDIS_URL: '' }, /REDIS_URL is not set/],
    ['CORS_ORIGINS', { CORS_ORIGINS: 'https://a.example,*' }, /CORS_ORIGINS must list origins/],
    ['METRICS_TOKEN', { METRICS_TOKEN: undefined }, /METRICS_TOKEN must be set/],
  ])('production refuses a bad %s', (_name, change, message) => {
    expect(() => loadConfig({ ...production, ...change })).toThrow(message);
  });

  it('development warns instead and still starts', () => {
    const { warnings, config } = loadConfig({ NODE_ENV: 'development' });
    expect(warnings.join('\n')).toMatch(/JWT_SECRET is not set/);
    expect(config.jwtSecret.length).toBeGreaterThanOrEqual(32);
  });

  it('reads DATA_DIR from the repository root, wherever the command runs (issue 13)', () => {
    // npm start runs at the root, npm run admin:create in server/: one ./data for both.
    const root = path.resolve(serverDir, '..');
    expect(loadConfig({}).config.dataDir).toBe(path.join(root, 'data'));
    expect(loadConfig({ DATA_DIR: 'elsewhere/x' }).config.dataDir).toBe(
      path.join(root, 'elsewhere/x'),
    );
    expect(loadConfig({ DATA_DIR: '/var/lib/mq' }).config.dataDir).toBe('/var/lib/mq');
  });

  it('rejects an unknown time zone naming the variable', () => {
    expect(() => loadConfig({ CLINIC_TIMEZONE: 'Mars/Olympus' })).toThrow(/CLINIC_TIMEZONE/);
  });

  it('a spawned production server with a weak secret exits non-zero and says why', async () => {
    const proc = runTs('src/main.ts', [], { ...production, JWT_SECRET: 'changeme' });
    expect(await proc.exited).not.toBe(0);
    expect(proc.output()).toMatch(/Refusing to start in production[\s\S]*JWT_SECRET/);
  });

  it('admin:create refuses a weak password with a clear message and a non-zero exit', async () => {
    const proc = runTs(
      'src/cli/admin-create.ts',
      ['--username', 'root', '--password', 'password'],
      { NODE_ENV: 'test' },
    );
    expect(await proc.exited).not.toBe(0);
    expect(proc.output()).toMatch(/Password rejected: it must be at least 12 characters/);
  });
});
