import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPostgres } from '../../src/infrastructure/postgres/pg-database.js';
import {
  bearer,
  manualClock,
  startTestApp,
  TEST_PASSWORD,
  testConfig,
  type TestApp,
} from '../support/app.js';
import { freshPostgres, type TestDatabase } from '../support/postgres.js';

/**
 * Issue 10, item 8: rotating JWT_SECRET without logging everyone out. Instances restarted
 * with the new secret and JWT_SECRET_PREVIOUS = the old one accept access tokens signed
 * with either, issue tokens signed with the new one only, and refuse any other secret.
 * All apps share one database, as the instances of one service do, and one manual clock.
 */
const OLD = 'retired-jwt-key-0123456789abcdefghijklmn';
const NEW = 'rotated-jwt-key-0123456789abcdefghijklmn';
const STRANGER = 'unknown-jwt-key-0123456789abcdefghijklmn';

const clock = manualClock(new Date());
let db: TestDatabase;
const apps: TestApp[] = [];
let before: TestApp; // still on the old secret
let rotated: TestApp; // JWT_SECRET=NEW, JWT_SECRET_PREVIOUS=OLD
let newOnly: TestApp; // JWT_SECRET=NEW, previous already removed
let stranger: TestApp; // a secret nobody else knows

const appWith = async (env: NodeJS.ProcessEnv): Promise<TestApp> => {
  const handle = openPostgres({ connectionString: db.url, poolSize: 2 });
  const t = await startTestApp(handle, { clock, config: testConfig(env) });
  apps.push(t);
  return t;
};

const login = async (t: TestApp): Promise<string> => {
  const res = await t.app.inject({
    method: 'POST',
    url: '/api/v1/auth/login',
    payload: { username: 'admin', password: TEST_PASSWORD },
  });
  expect(res.statusCode, res.body).toBe(200);
  return res.json<{ accessToken: string }>().accessToken;
};

const me = async (t: TestApp, token: string): Promise<number> =>
  (await t.app.inject({ method: 'GET', url: '/api/v1/me', headers: bearer(token) })).statusCode;

beforeAll(async () => {
  db = await freshPostgres();
  before = await appWith({ JWT_SECRET: OLD });
  rotated = await appWith({ JWT_SECRET: NEW, JWT_SECRET_PREVIOUS: OLD });
  newOnly = await appWith({ JWT_SECRET: NEW });
  stranger = await appWith({ JWT_SECRET: STRANGER });
  await before.adminToken(); // creates the admin
});

afterAll(async () => {
  for (const t of apps) await t.close();
  await db.drop();
});

describe('JWT_SECRET_PREVIOUS', () => {
  it('a token signed with the previous secret is accepted during the rotation', async () => {
    const token = await login(before);
    expect(await me(rotated, token)).toBe(200);
    // The control: without JWT_SECRET_PREVIOUS the same token is refused.
    expect(await me(newOnly, token)).toBe(401);
  });

  it('a token signed with an unknown secret is refused', async () => {
    const token = await login(stranger);
    expect(await me(stranger, token)).toBe(200);
    expect(await me(rotated, token)).toBe(401);
  });

  it('new tokens are signed with the new secret only', async () => {
    const token = await login(rotated);
    expect(await me(newOnly, token)).toBe(200);
    expect(await me(before, token)).toBe(401);
  });

  it('the previous secret does not extend a token: it dies at its expiry (15 minutes)', async () => {
    const token = await login(before);
    clock.advance(14 * 60_000);
    expect(await me(rotated, token)).toBe(200);
    clock.advance(2 * 60_000);
    expect(await me(rotated, token)).toBe(401);
  });
});
