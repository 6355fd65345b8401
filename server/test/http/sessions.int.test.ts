import type { LightMyRequestResponse } from 'fastify';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshPostgres, type TestDatabase } from '../support/postgres.js';
import { bearer, manualClock, startTestApp, TEST_PASSWORD, type TestApp } from '../support/app.js';

/** Sessions (SPEC Security): refresh rotation, reuse detection, CSRF, logout, password change, lockout. */
let db: TestDatabase;
let t: TestApp;
const clock = manualClock(new Date('2026-11-23T08:00:00Z'));

beforeAll(async () => {
  db = await freshPostgres();
  t = await startTestApp(db.handle, { clock });
});

afterAll(async () => {
  await t.close();
  await db.drop();
});

interface Jar {
  refresh: string;
  csrf: string;
  csrfSecret: string;
  access: string;
}

const cookie = (res: LightMyRequestResponse, name: string) =>
  res.cookies.find((c) => c.name === name);

const jarFrom = (res: LightMyRequestResponse, previous?: Jar): Jar => ({
  refresh: cookie(res, 'mq_refresh')?.value ?? '',
  csrf: cookie(res, 'mq_csrf')?.value ?? '',
  csrfSecret: cookie(res, 'mq_csrf_secret')?.value ?? previous?.csrfSecret ?? '',
  access: res.json<{ accessToken: string }>().accessToken,
});

const login = async (username: string, password = TEST_PASSWORD) =>
  t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username, password } });

const refresh = (jar: Jar, csrfHeader: string | null = jar.csrf) =>
  t.app.inject({
    method: 'POST',
    url: '/api/v1/auth/refresh',
    cookies: { mq_refresh: jar.refresh, mq_csrf: jar.csrf, mq_csrf_secret: jar.csrfSecret },
    headers: csrfHeader === null ? {} : { 'x-csrf-token': csrfHeader },
  });

const me = (jar: Jar) =>
  t.app.inject({ method: 'GET', url: '/api/v1/me', headers: bearer(jar.access) });

const newUser = async (username: string): Promise<Jar> => {
  await t.tokenFor({ username, role: 'reception' });
  const res = await login(username);
  expect(res.statusCode).toBe(200);
  return jarFrom(res);
};

describe('login cookies', () => {
  it('sets an httpOnly SameSite=Strict refresh cookie scoped to /api/v1/auth and a readable CSRF cookie', async () => {
    await t.tokenFor({ username: 'cookie-user', role: 'doctor' });
    const res = await login('cookie-user');
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({
      expiresInSeconds: 900,
      user: { username: 'cookie-user', role: 'doctor' },
    });
    expect(cookie(res, 'mq_refresh')).toMatchObject({
      httpOnly: true,
      sameSite: 'Strict',
      path: '/api/v1/auth',
    });
    expect(cookie(res, 'mq_csrf')).toMatchObject({ sameSite: 'Strict', path: '/' });
    expect(cookie(res, 'mq_csrf')?.httpOnly).toBeFalsy();
    expect(res.headers['cache-control']).toBe('no-store');
  });
});

describe('refresh rotation and reuse detection', () => {
  it('rotates the refresh token on every use; the new access token works', async () => {
    const jar = await newUser('rotate-user');
    const res = await refresh(jar);
    expect(res.statusCode).toBe(200);
    const next = jarFrom(res, jar);
    expect(next.refresh).not.toBe(jar.refresh);
    expect((await me(next)).statusCode).toBe(200);
    expect((await refresh(next)).statusCode).toBe(200);
  });

  it('reusing a rotated token revokes the whole family, including sessions derived from it', async () => {
    const jar = await newUser('reuse-user');
    const rotated = jarFrom(await refresh(jar), jar);
    const stolen = await refresh(jar); // the old token, presented again
    expect(stolen.statusCode).toBe(401);
    expect(stolen.json()).toMatchObject({ code: 'UNAUTHENTICATED' });
    expect((await refresh(rotated)).statusCode).toBe(401);
    expect((await me(rotated)).statusCode).toBe(401);
    const audit = await sql<{ n: number }>`
      SELECT count(*)::int AS n FROM audit_events WHERE action = 'auth.refresh_reused'`.execute(
      db.handle.db,
    );
    expect(audit.rows[0]?.n).toBeGreaterThanOrEqual(1);
  });

  it('refuses refresh without the CSRF header, with a wrong one, or without the cookie', async () => {
    const jar = await newUser('csrf-user');
    for (const header of [null, 'wrong-token', `${jar.csrf}x`]) {
      const res = await refresh(jar, header);
      expect(res.statusCode).toBe(403);
      expect(res.headers['content-type']).toContain('application/problem+json');
      expect(res.json()).toMatchObject({ code: 'FORBIDDEN' });
    }
    const noCookie = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/refresh',
      cookies: { mq_csrf_secret: jar.csrfSecret },
      headers: { 'x-csrf-token': jar.csrf },
    });
    expect(noCookie.statusCode).toBe(401);
    // The refused attempts did not spend the token.
    expect((await refresh(jar)).statusCode).toBe(200);
  });
});

describe('logout', () => {
  it('ends the session: refresh and the access token stop working', async () => {
    const jar = await newUser('logout-user');
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/logout',
      cookies: { mq_refresh: jar.refresh, mq_csrf_secret: jar.csrfSecret },
      headers: { 'x-csrf-token': jar.csrf },
    });
    expect(res.statusCode).toBe(204);
    expect((await refresh(jar)).statusCode).toBe(401);
    expect((await me(jar)).statusCode).toBe(401);
  });
});

describe('password change', () => {
  it('checks the current password and the policy, then revokes every other session', async () => {
    const first = await newUser('pw-user');
    const other = jarFrom(await login('pw-user'));
    const change = (body: object) =>
      t.app.inject({
        method: 'POST',
        url: '/api/v1/auth/password',
        headers: bearer(first.access),
        payload: body,
      });
    expect(
      (await change({ currentPassword: 'nope', newPassword: 'N3w-Password-Long!' })).json(),
    ).toMatchObject({
      code: 'INVALID_CREDENTIALS',
    });
    const weak = await change({ currentPassword: TEST_PASSWORD, newPassword: 'short' });
    expect(weak.statusCode).toBe(400);
    expect(weak.json()).toMatchObject({ code: 'VALIDATION_FAILED' });
    clock.advance(2_000);
    expect(
      (await change({ currentPassword: TEST_PASSWORD, newPassword: 'N3w-Password-Long!' }))
        .statusCode,
    ).toBe(204);
    expect((await refresh(other)).statusCode).toBe(401);
    expect((await me(other)).statusCode).toBe(401);
    // This session lives on: a refresh gives a fresh access token.
    const renewed = await refresh(first);
    expect(renewed.statusCode).toBe(200);
    expect((await me(jarFrom(renewed, first))).statusCode).toBe(200);
    expect((await login('pw-user', 'N3w-Password-Long!')).statusCode).toBe(200);
  });
});

describe('lockout', () => {
  const attempts = async (username: string, n: number) => {
    const results: LightMyRequestResponse[] = [];
    for (let i = 0; i < n; i += 1) results.push(await login(username, 'Wrong-Password-1!'));
    return results;
  };
  const shape = (res: LightMyRequestResponse) => {
    const { requestId: _ignored, ...rest } = res.json<Record<string, unknown>>();
    return { status: res.statusCode, retryAfter: res.headers['retry-after'], body: rest };
  };

  it('5 failures lock a username for 15 minutes, existing or not, with identical answers', async () => {
    await t.tokenFor({ username: 'lock-user', role: 'doctor' });
    const existing = await attempts('lock-user', 6);
    const unknown = await attempts('no-such-user', 6);
    expect(existing.slice(0, 5).map((r) => r.statusCode)).toEqual([401, 401, 401, 401, 401]);
    expect(existing[5]?.statusCode).toBe(429);
    expect(existing[5]?.json()).toMatchObject({ code: 'ACCOUNT_LOCKED' });
    expect(Number(existing[5]?.headers['retry-after'])).toBeGreaterThan(800);
    expect(existing.map(shape)).toEqual(unknown.map(shape));
    // Even the right password is refused while locked…
    expect((await login('lock-user')).statusCode).toBe(429);
    // …and works once the window has passed.
    clock.advance(15 * 60_000 + 1_000);
    expect((await login('lock-user')).statusCode).toBe(200);
  });

  it('locks per username, case-insensitively, without affecting others', async () => {
    await t.tokenFor({ username: 'case-user', role: 'doctor' });
    await attempts('CASE-USER', 5);
    expect((await login('case-user')).statusCode).toBe(429);
    await t.tokenFor({ username: 'bystander', role: 'doctor' });
    expect((await login('bystander')).statusCode).toBe(200);
  });
});
