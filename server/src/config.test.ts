import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.js';

describe('SESSION_MAX_HOURS', () => {
  it('defaults to 12 hours (a shift)', () => {
    expect(loadConfig({ NODE_ENV: 'test' }).config.sessionMaxHours).toBe(12);
  });

  it('takes a whole number of hours from 1 to 720', () => {
    expect(loadConfig({ NODE_ENV: 'test', SESSION_MAX_HOURS: '1' }).config.sessionMaxHours).toBe(1);
    expect(loadConfig({ NODE_ENV: 'test', SESSION_MAX_HOURS: '720' }).config.sessionMaxHours).toBe(
      720,
    );
  });

  it.each(['0', '-1', '721', '1.5', 'twelve', ''])('refuses %j, naming the variable', (value) => {
    expect(() => loadConfig({ NODE_ENV: 'test', SESSION_MAX_HOURS: value })).toThrow(ConfigError);
    expect(() => loadConfig({ NODE_ENV: 'test', SESSION_MAX_HOURS: value })).toThrow(
      /SESSION_MAX_HOURS/,
    );
  });
});

const NEW_SECRET = 'rotated-jwt-key-0123456789abcdefghijklmn';
const OLD_SECRET = 'retired-jwt-key-0123456789abcdefghijklmn';
const production = {
  NODE_ENV: 'production',
  JWT_SECRET: NEW_SECRET,
  DATABASE_URL: 'postgres://app@db/mediqueue',
  REDIS_URL: 'redis://redis:6379',
  METRICS_TOKEN: 'metrics-token-0123456789',
};

describe('JWT_SECRET_PREVIOUS (issue 10: rotating JWT_SECRET)', () => {
  it('is unset by default, and empty means unset', () => {
    expect(loadConfig(production).config.jwtPreviousSecret).toBeUndefined();
    expect(
      loadConfig({ ...production, JWT_SECRET_PREVIOUS: '' }).config.jwtPreviousSecret,
    ).toBeUndefined();
  });

  it('is kept as given, and its start-up warning says when to remove it', () => {
    const { config, warnings } = loadConfig({ ...production, JWT_SECRET_PREVIOUS: OLD_SECRET });
    expect(config.jwtPreviousSecret).toBe(OLD_SECRET);
    expect(config.jwtSecret).toBe(NEW_SECRET);
    expect(warnings.join('\n')).toMatch(/JWT_SECRET_PREVIOUS is set.*Remove it 15 minutes/);
  });

  it.each([
    ['shorter than 32 characters', 'too-short-old-key', /JWT_SECRET_PREVIOUS is shorter than 32/],
    [
      'with a weak word',
      `changeme-${OLD_SECRET}`,
      /JWT_SECRET_PREVIOUS contains the word "changeme"/,
    ],
    ['equal to JWT_SECRET', NEW_SECRET, /JWT_SECRET_PREVIOUS equals JWT_SECRET/],
  ])('production refuses one %s; development warns', (_, value, message) => {
    expect(() => loadConfig({ ...production, JWT_SECRET_PREVIOUS: value })).toThrow(ConfigError);
    expect(() => loadConfig({ ...production, JWT_SECRET_PREVIOUS: value })).toThrow(message);
    const dev = loadConfig({ ...production, NODE_ENV: 'development', JWT_SECRET_PREVIOUS: value });
    expect(dev.warnings.join('\n')).toMatch(message);
  });
});

describe('TRUST_PROXY', () => {
  it.each([
    ['', []],
    ['127.0.0.1', ['127.0.0.1']],
    ['172.30.255.0/28', ['172.30.255.0/28']],
    [' 10.0.0.1 , 10.0.0.0/255.0.0.0 ', ['10.0.0.1', '10.0.0.0/255.0.0.0']],
    ['fd00::/8,::1', ['fd00::/8', '::1']],
    ['loopback,uniquelocal', ['loopback', 'uniquelocal']],
  ])('accepts %j', (value, expected) => {
    expect(loadConfig({ NODE_ENV: 'test', TRUST_PROXY: value }).config.trustProxy).toEqual(
      expected,
    );
  });

  it.each(['proxy', 'app1:3000', '172.30.255.0/33', '10.0.0.0/8/8', '::1/129', '10.0.0.0/ffff::'])(
    'refuses %j, naming the variable',
    (value) => {
      expect(() => loadConfig({ NODE_ENV: 'test', TRUST_PROXY: value })).toThrow(/TRUST_PROXY/);
    },
  );
});
