import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshPostgres, type TestDatabase } from '../support/postgres.js';
import {
  bearer,
  manualClock,
  startTestApp,
  TEST_PASSWORD,
  testConfig,
  type TestApp,
} from '../support/app.js';
import { expectProblem } from '../support/http-cases.js';

/**
 * A user's sessions as an admin sees them, revoking one (docs/api.md Admin; issue 9), and the
 * absolute session lifetime (SESSION_MAX_HOURS). All on a manual clock, the only clock
 * the app reads.
 */
let db: TestDatabase;
let t: TestApp;
const START = new Date('2026-11-23T08:00:00Z');
const clock = manualClock(START);
const HOUR = 60 * 60_000;

beforeAll(async () => {
  db = await freshPostgres();
  t = await startTestApp(db.handle, { clock });
});

afterAll(async () => {
  await t?.close();
  await db?.drop();
});

/** One browser: its cookies, and the access token it holds. */
interface Jar {
  refresh: string;
  csrf: string;
  csrfSecret: string;
  access: string;
  /** The session family (the access token's `sid`). */
  sid: string;
}

const cookie = (res: LightMyRequestResponse, name: string) =>
  res.cookies.find((c) => c.name === name);
const sidOf = (jwt: string): string =>
  (JSON.parse(Buffer.from(jwt.split('.')[1] ?? '', 'base64url').toString()) as { sid: string }).sid;
const jarFrom = (res: LightMyRequestResponse, previous?: Jar): Jar => {
  expect(res.statusCode, res.body).toBe(200);
  const access = res.json<{ accessToken: string }>().accessToken;
  return {
    refresh: cookie(res, 'mq_refresh')?.value ?? '',
    csrf: cookie(res, 'mq_csrf')?.value ?? '',
    csrfSecret: cookie(res, 'mq_csrf_secret')?.value ?? previous?.csrfSecret ?? '',
    access,
    sid: sidOf(access),
  };
};

interface Client {
  userAgent?: string;
  ip?: string;
}
/** inject() options that make a request come from this client. */
const from = (c: Client) => ({
  ...(c.ip !== undefined && { remoteAddress: c.ip }),
  headers: c.userAgent === undefined ? {} : { 'user-agent': c.userAgent },
});

const login = async (app: TestApp, username: string, client: Client = {}): Promise<Jar> =>
  jarFrom(
    await app.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { username, password: TEST_PASSWORD },
      ...from(client),
    }),
  );

const refresh = (app: TestApp, jar: Jar, client: Client = {}) => {
  const { headers, ...rest } = from(client);
  return app.app.inject({
    method: 'POST',
    url: '/api/v1/auth/refresh',
    cookies: { mq_refresh: jar.refresh, mq_csrf: jar.csrf, mq_csrf_secret: jar.csrfSecret },
    headers: { ...headers, 'x-csrf-token': jar.csrf },
    ...rest,
  });
};

const me = (app: TestApp, jar: Jar) =>
  app.app.inject({ method: 'GET', url: '/api/v1/me', headers: bearer(jar.access) });

let users = 0;
/** A fresh doctor account; returns its id and username. */
const newUser = async (app: TestApp): Promise<{ id: string; username: string }> => {
  users += 1;
  const res = await app.app.inject({
    method: 'POST',
    url: '/api/v1/admin/users',
    headers: bearer(await app.adminToken()),
    payload: { username: `sess-user-${users}`, password: TEST_PASSWORD, role: 'doctor' },
  });
  expect(res.statusCode, res.body).toBe(201);
  return res.json<{ user: { id: string; username: string } }>().user;
};

interface SessionBody {
  id: string;
  createdAt: string;
  lastUsedAt: string;
  expiresAt: string;
  ip: string | null;
  userAgent: string | null;
}
const listSessions = async (userId: string): Promise<SessionBody[]> => {
  const res = await t.app.inject({
    method: 'GET',
    url: `/api/v1/admin/users/${userId}/sessions`,
    headers: bearer(await t.adminToken()),
  });
  expect(res.statusCode, res.body).toBe(200);
  return res.json<{ sessions: SessionBody[] }>().sessions;
};
const revoke = async (sessionId: string) =>
  t.app.inject({
    method: 'DELETE',
    url: `/api/v1/admin/sessions/${sessionId}`,
    headers: bearer(await t.adminToken()),
  });

const at = (ms: number) => new Date(START.getTime() + ms).toISOString();

describe('GET /api/v1/admin/users/:id/sessions', () => {
  it('one row per open login, newest first: device, IP, login, last use and end, by the clock', async () => {
    clock.set(START);
    const user = await newUser(t);
    const phone = await login(t, user.username, { userAgent: 'Phone/1.0', ip: '203.0.113.7' });
    clock.set(new Date(START.getTime() + HOUR));
    const desk = await login(t, user.username, { userAgent: 'Desk/1.0', ip: '203.0.113.8' });
    // A login that was ended is not listed.
    const gone = await login(t, user.username);
    const logout = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/logout',
      cookies: { mq_refresh: gone.refresh, mq_csrf_secret: gone.csrfSecret },
      headers: { 'x-csrf-token': gone.csrf },
    });
    expect(logout.statusCode).toBe(204);
    // The desk refreshes 30 minutes later, from another address and browser version.
    clock.set(new Date(START.getTime() + 1.5 * HOUR));
    const res = await refresh(t, desk, { userAgent: 'Desk/2.0', ip: '203.0.113.9' });
    expect(res.statusCode, res.body).toBe(200);

    expect(await listSessions(user.id)).toEqual([
      {
        id: desk.sid,
        createdAt: at(HOUR),
        lastUsedAt: at(1.5 * HOUR),
        // Refreshed at 1.5 h, but the login began at 1 h: it ends 12 h after that.
        expiresAt: at(13 * HOUR),
        ip: '203.0.113.9',
        userAgent: 'Desk/2.0',
      },
      {
        id: phone.sid,
        createdAt: at(0),
        lastUsedAt: at(0),
        expiresAt: at(12 * HOUR),
        ip: '203.0.113.7',
        userAgent: 'Phone/1.0',
      },
    ]);

    // Once the phone's login has run out (by the app's clock), it is no longer listed.
    clock.set(new Date(START.getTime() + 12 * HOUR));
    expect((await listSessions(user.id)).map((s) => s.id)).toEqual([desk.sid]);
    clock.set(new Date(START.getTime() + 13 * HOUR));
    expect(await listSessions(user.id)).toEqual([]);
  });

  it('a user without sessions has an empty list; an unknown user is a 404', async () => {
    clock.set(START);
    const user = await newUser(t);
    expect(await listSessions(user.id)).toEqual([]);
    const res = await t.app.inject({
      method: 'GET',
      url: '/api/v1/admin/users/00000000-0000-4000-8000-000000000000/sessions',
      headers: bearer(await t.adminToken()),
    });
    expectProblem(res, 404, 'NOT_FOUND', 'unknown user');
  });

  it('a very long User-Agent is stored cut to 512 characters', async () => {
    clock.set(START);
    const user = await newUser(t);
    await login(t, user.username, { userAgent: `Long/${'x'.repeat(2000)}` });
    const [session] = await listSessions(user.id);
    expect(session?.userAgent).toHaveLength(512);
    expect(session?.userAgent?.startsWith('Long/xxx')).toBe(true);
  });
});

describe('DELETE /api/v1/admin/sessions/:id', () => {
  it('ends that login at once — refresh and access token — and no other; audited once', async () => {
    clock.set(START);
    const user = await newUser(t);
    const revoked = await login(t, user.username, { userAgent: 'Lost phone' });
    const kept = await login(t, user.username, { userAgent: 'Desk' });
    expect((await me(t, revoked)).statusCode).toBe(200);

    const res = await revoke(revoked.sid);
    expect(res.statusCode, res.body).toBe(204);
    expect(res.body).toBe('');

    // Its access token (15 minutes left on it) is refused on the next request…
    expectProblem(await me(t, revoked), 401, 'UNAUTHENTICATED', 'revoked access token');
    // …and its refresh token fails at once.
    expectProblem(await refresh(t, revoked), 401, 'UNAUTHENTICATED', 'revoked refresh');
    // The user's other login is untouched.
    expect((await me(t, kept)).statusCode).toBe(200);
    expect((await refresh(t, kept, { userAgent: 'Desk' })).statusCode).toBe(200);
    expect((await listSessions(user.id)).map((s) => s.userAgent)).toEqual(['Desk']);

    // Revoking it again changes nothing and records nothing.
    expect((await revoke(revoked.sid)).statusCode).toBe(204);

    const audit = await t.app.inject({
      method: 'GET',
      url: `/api/v1/admin/audit?action=session.revoked`,
      headers: bearer(await t.adminToken()),
    });
    const adminId = (
      await t.app.inject({
        method: 'GET',
        url: '/api/v1/me',
        headers: bearer(await t.adminToken()),
      })
    ).json<{ id: string }>().id;
    const events = audit
      .json<{ events: Record<string, unknown>[] }>()
      .events.filter((e) => e.entityId === revoked.sid);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      action: 'session.revoked',
      actor: { type: 'staff', id: adminId },
      entity: 'session',
      entityId: revoked.sid,
      before: { userId: user.id, active: true },
      after: { userId: user.id, active: false },
    });
  });

  it('an unknown session is a 404', async () => {
    expectProblem(
      await revoke('00000000-0000-4000-8000-000000000000'),
      404,
      'NOT_FOUND',
      'unknown session',
    );
  });
});

describe('absolute session lifetime (SESSION_MAX_HOURS, default 12)', () => {
  it('a login refreshed every two hours still ends 12 hours after it began', async () => {
    clock.set(START);
    const user = await newUser(t);
    let jar = await login(t, user.username);
    for (let hours = 2; hours <= 10; hours += 2) {
      clock.set(new Date(START.getTime() + hours * HOUR));
      jar = jarFrom(await refresh(t, jar), jar);
    }
    // A minute before the end: still refreshed, but the new token (and its cookie) only
    // lasts that minute, although a refresh token otherwise lives 12 hours.
    clock.set(new Date(START.getTime() + 12 * HOUR - 60_000));
    const last = await refresh(t, jar);
    jar = jarFrom(last, jar);
    expect(cookie(last, 'mq_refresh')?.maxAge).toBe(60);
    expect((await listSessions(user.id))[0]?.expiresAt).toBe(at(12 * HOUR));
    expect((await me(t, jar)).statusCode).toBe(200);

    clock.set(new Date(START.getTime() + 12 * HOUR));
    expectProblem(await refresh(t, jar), 401, 'UNAUTHENTICATED', 'refresh after 12 h');
    // The access token minted a minute ago has 14 minutes left, but its session is over.
    expectProblem(await me(t, jar), 401, 'UNAUTHENTICATED', 'access after 12 h');
    // Logging in again starts a new one.
    expect((await me(t, await login(t, user.username))).statusCode).toBe(200);
  });

  it('SESSION_MAX_HOURS=2 ends a login after 2 hours, however fresh its token', async () => {
    const otherDb = await freshPostgres();
    const shortClock = manualClock(START);
    const short = await startTestApp(otherDb.handle, {
      clock: shortClock,
      config: testConfig({ SESSION_MAX_HOURS: '2' }),
    });
    try {
      const user = await newUser(short);
      let jar = await login(short, user.username);
      const first = await short.app.inject({
        method: 'POST',
        url: '/api/v1/auth/login',
        payload: { username: user.username, password: TEST_PASSWORD },
      });
      expect(cookie(first, 'mq_refresh')?.maxAge).toBe(2 * 60 * 60);
      shortClock.set(new Date(START.getTime() + HOUR));
      jar = jarFrom(await refresh(short, jar), jar);
      shortClock.set(new Date(START.getTime() + 2 * HOUR - 1_000));
      jar = jarFrom(await refresh(short, jar), jar);
      shortClock.set(new Date(START.getTime() + 2 * HOUR));
      expectProblem(await refresh(short, jar), 401, 'UNAUTHENTICATED', 'refresh after 2 h');
    } finally {
      await short.close();
      await otherDb.drop();
    }
  });
});
