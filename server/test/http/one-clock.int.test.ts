import type { LightMyRequestResponse } from 'fastify';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshPostgres, type TestDatabase } from '../support/postgres.js';
import {
  bearer,
  checkIn,
  createDepartment,
  createKiosk,
  manualClock,
  startTestApp,
  TEST_PASSWORD,
  type TestApp,
} from '../support/app.js';

/**
 * Issue 7 — one source of time. The app runs on a clock decades away from the database's
 * own, in both directions: every expiry and every stamp must follow the app's clock, never
 * Postgres's now(). Before the fix, a session made under a past clock was already expired
 * by the database's reckoning, and one made under a future clock never expired.
 */
const cases = [
  ['a clock decades in the past', '2001-03-04T08:00:00Z'],
  ['a clock decades in the future', '2101-03-04T08:00:00Z'],
] as const;

describe.each(cases)('issue 7: the app on %s', (_label, start) => {
  let db: TestDatabase;
  let t: TestApp;
  const clock = manualClock(new Date(start));

  beforeAll(async () => {
    db = await freshPostgres();
    t = await startTestApp(db.handle, { clock });
  });

  afterAll(async () => {
    await t.close();
    await db.drop();
  });

  const login = (username: string) =>
    t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { username, password: TEST_PASSWORD },
    });
  const cookie = (res: LightMyRequestResponse, name: string) =>
    res.cookies.find((c) => c.name === name)?.value ?? '';
  /** Refresh with the cookies `res` set; the CSRF secret cookie is only set at login. */
  const refresh = (res: LightMyRequestResponse, csrfSecret: string) =>
    t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/refresh',
      cookies: {
        mq_refresh: cookie(res, 'mq_refresh'),
        mq_csrf: cookie(res, 'mq_csrf'),
        mq_csrf_secret: csrfSecret,
      },
      headers: { 'x-csrf-token': cookie(res, 'mq_csrf') },
    });
  const me = (token: string) =>
    t.app.inject({ method: 'GET', url: '/api/v1/me', headers: bearer(token) });

  it('an access token lives exactly 15 minutes of the app clock', async () => {
    const token = await t.tokenFor({ username: `clock-a-${start.slice(0, 4)}`, role: 'doctor' });
    expect((await me(token)).statusCode).toBe(200);
    clock.advance(14 * 60_000);
    expect((await me(token)).statusCode).toBe(200);
    clock.advance(2 * 60_000);
    expect((await me(token)).statusCode).toBe(401);
  });

  it('a refresh token expires 12 hours after it was issued, by the app clock', async () => {
    const username = `clock-s-${start.slice(0, 4)}`;
    await t.tokenFor({ username, role: 'doctor' });
    const first = await login(username);
    expect(first.statusCode).toBe(200);
    const access = first.json<{ accessToken: string }>().accessToken;
    // The session row's expiry is compared with the app clock, not the database's.
    expect((await me(access)).statusCode).toBe(200);
    const secret = cookie(first, 'mq_csrf_secret');
    clock.advance(11 * 60 * 60_000);
    const renewed = await refresh(first, secret);
    expect(renewed.statusCode).toBe(200);
    clock.advance(12 * 60 * 60_000 + 1_000);
    expect((await refresh(renewed, secret)).statusCode).toBe(401);
  });

  it('audit rows, idempotency records and sessions are stamped with the app clock', async () => {
    const dep = await createDepartment(t, start.startsWith('2001') ? 'CLKP' : 'CLKF');
    const kiosk = await createKiosk(t, [dep.id]);
    const at = clock.now();
    const visit = await checkIn(t, kiosk, dep.id, { key: `clock-${start}` });
    const stamps = await sql<{ audit_at: Date; key_at: Date; event_at: Date }>`
      SELECT
        (SELECT at FROM audit_events WHERE entity_id = ${visit.id}) AS audit_at,
        (SELECT created_at FROM idempotency_keys WHERE visit_id = ${visit.id}) AS key_at,
        (SELECT occurred_at FROM visit_events WHERE visit_id = ${visit.id}) AS event_at`.execute(
      db.handle.db,
    );
    const row = stamps.rows[0];
    expect(row?.audit_at.toISOString()).toBe(at.toISOString());
    expect(row?.key_at.toISOString()).toBe(at.toISOString());
    expect(row?.event_at.toISOString()).toBe(at.toISOString());

    const sessions = await sql<{ created_at: Date }>`
      SELECT s.created_at FROM sessions s JOIN users u ON u.id = s.user_id
      WHERE u.username = 'admin' ORDER BY s.created_at DESC LIMIT 1`.execute(db.handle.db);
    expect(sessions.rows[0]?.created_at.getUTCFullYear()).toBe(at.getUTCFullYear());

    // The audit filter by time finds the row at the app clock's time.
    const found = await t.app.inject({
      method: 'GET',
      url: `/api/v1/admin/audit?visitId=${visit.id}&from=${new Date(at.getTime() - 1_000).toISOString()}&to=${new Date(at.getTime() + 1_000).toISOString()}`,
      headers: bearer(await t.adminToken()),
    });
    expect(found.statusCode).toBe(200);
    expect(found.json<{ events: { action: string }[] }>().events.map((e) => e.action)).toContain(
      'visit.checked_in',
    );
  });
});
