import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  openPostgres,
  type DatabaseHandle,
} from '../../src/infrastructure/postgres/pg-database.js';
import {
  bearer,
  createDepartment,
  createKiosk,
  listen,
  manualClock,
  startTestApp,
  testConfig,
  TEST_PASSWORD,
  type TestApp,
  type VisitBody,
} from '../support/app.js';
import { jobRunCounts, noFailures, ranPerJob, whereStored } from '../support/jobs.js';
import { freshPostgres, type TestDatabase } from '../support/postgres.js';
import {
  connectSse,
  eventFrames,
  type SseConnection,
  type SseFrame,
} from '../support/sse-client.js';
import { eventIdsOf, oneToN } from '../support/store-fixtures.js';

/**
 * Scheduled jobs (issue 10, ADR 8) on two instances sharing one Postgres and one Redis, both
 * reading the same manual clock: each job's period runs once, whichever instance wins; the
 * close-out's cancellations reach a real SSE client on the other instance; retention leaves
 * no name or phone past the limit anywhere in the database.
 */
const redisUrl = process.env.TEST_REDIS_URL ?? process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
// Paris: the service day changes at 23:00 UTC in winter, so UTC and clinic days differ.
const timeZone = 'Europe/Paris';
const clock = manualClock(new Date('2026-11-23T09:00:00Z'));
let db: TestDatabase;
let secondHandle: DatabaseHandle;
let A: TestApp;
let B: TestApp;
let baseB: string;

beforeAll(async () => {
  db = await freshPostgres();
  secondHandle = openPostgres({ connectionString: db.url, poolSize: 4 });
  const config = testConfig({
    REDIS_URL: redisUrl,
    CLINIC_TIMEZONE: timeZone,
    RETENTION_DAYS: '30',
  });
  A = await startTestApp(db.handle, { clock, config });
  B = await startTestApp(secondHandle, { clock, config });
  baseB = await listen(B.app);
});

afterAll(async () => {
  await B?.close();
  await A?.close();
  await db?.drop();
});

/** Both instances' runners at the same clock time, at the same moment. */
const race = async () => {
  const [a, b] = await Promise.all([A.services.jobs.runDue(), B.services.jobs.runDue()]);
  return { a: noFailures(a), b: noFailures(b) };
};

const post = async (url: string, payload: object, token?: string) => {
  const res = await A.app.inject({
    method: 'POST',
    url,
    headers: bearer(token ?? (await A.adminToken())),
    payload,
  });
  if (res.statusCode >= 300) throw new Error(`${url}: ${res.statusCode} ${res.body}`);
  return res.json<{ visit: VisitBody }>().visit;
};

let keys = 0;
const arrive = async (
  kiosk: string,
  departmentId: string,
  patient?: { displayName: string; phone: string },
): Promise<VisitBody> => {
  const res = await A.app.inject({
    method: 'POST',
    url: '/api/v1/checkins',
    headers: { ...bearer(kiosk), 'idempotency-key': `jobs-${(keys += 1)}` },
    payload: { departmentId, ...(patient && { patient }) },
  });
  if (res.statusCode !== 201) throw new Error(`check-in: ${res.statusCode} ${res.body}`);
  return res.json<{ visit: VisitBody }>().visit;
};

const stateOf = async (id: string) => {
  const { rows } = await sql<{ state: string; cancel_reason: string | null; version: number }>`
    SELECT state, cancel_reason, version FROM visits WHERE id = ${id}`.execute(db.handle.db);
  return rows[0];
};

const cancelledIn = (frames: SseFrame[]): string[] =>
  eventFrames(frames)
    .filter((f) => f.event === 'visit.cancelled')
    .map((f) => (JSON.parse(f.data) as { visit: { id: string } }).visit.id);

describe('end-of-day close-out', () => {
  it('two instances at the same time: yesterday’s WAITING and CALLED visits are cancelled once, audited, and streamed', async () => {
    // Service day 2026-11-23 (Paris).
    const dep = await createDepartment(A, 'CLOSE', { rooms: ['Room 1', 'Room 2'] });
    const other = await createDepartment(A, 'CLOSO');
    const kiosk = await createKiosk(A, [dep.id, other.id]);
    const room = dep.roomIds[0] as string;
    const w1 = await arrive(kiosk, dep.id);
    const w2 = await arrive(kiosk, dep.id);
    const called = await arrive(kiosk, dep.id);
    const inConsultation = await arrive(kiosk, dep.id);
    const done = await arrive(kiosk, dep.id);
    const noShow = await arrive(kiosk, dep.id);
    const byStaff = await arrive(kiosk, dep.id);
    const w3 = await arrive(kiosk, other.id);
    const called2 = await arrive(kiosk, other.id);
    await post(`/api/v1/visits/${called.id}/call`, { version: 1, roomId: room });
    const c = await post(`/api/v1/visits/${inConsultation.id}/call`, {
      version: 1,
      roomId: dep.roomIds[1] as string,
    });
    await post(`/api/v1/visits/${inConsultation.id}/start`, { version: c.version });
    const d1 = await post(`/api/v1/visits/${done.id}/call`, { version: 1, roomId: room });
    const d2 = await post(`/api/v1/visits/${done.id}/start`, { version: d1.version });
    await post(`/api/v1/visits/${done.id}/complete`, { version: d2.version });
    const n1 = await post(`/api/v1/visits/${noShow.id}/call`, { version: 1, roomId: room });
    await post(`/api/v1/visits/${noShow.id}/no-show`, { version: n1.version });
    await post(`/api/v1/visits/${byStaff.id}/cancel`, { version: 1, reason: 'went home' });
    await post(`/api/v1/visits/${called2.id}/call`, {
      version: 1,
      roomId: other.roomIds[0] as string,
    });

    // 00:10 in Paris on the 24th: a new service day. One patient already checked in today.
    clock.set(new Date('2026-11-23T23:10:00Z'));
    const today = await arrive(kiosk, dep.id);
    const lastEventBefore = Math.max(...(await eventIdsOf(db.handle, dep.id)));

    const token = await A.adminToken();
    const streams = await Promise.all(
      [dep.id, other.id].map((id) =>
        connectSse(`${baseB}/api/v1/departments/${id}/events`, bearer(token)),
      ),
    );
    const [depStream, otherStream] = streams as [SseConnection, SseConnection];
    await Promise.all(streams.map((s) => s.until((f) => f.length >= 1)));

    const { a, b } = await race();
    expect(ranPerJob(a, b)).toEqual({ 'close-out': 1, retention: 1, pruning: 1 });
    expect(await jobRunCounts(db.handle.db)).toEqual({
      'close-out@2026-11-24': 1,
      'retention@2026-11-23T23': 1,
      'pruning@2026-11-23T23': 1,
    });
    const closeOut = [...a, ...b].find((o) => o.job === 'close-out' && o.outcome === 'ran');
    expect(closeOut?.rows).toEqual({ cancelled: 5 });

    for (const v of [w1, w2, called, w3, called2]) {
      expect(await stateOf(v.id)).toEqual({
        state: 'CANCELLED',
        cancel_reason: 'day_closed',
        version: v.id === called.id || v.id === called2.id ? 3 : 2,
      });
    }
    expect((await stateOf(inConsultation.id))?.state).toBe('IN_CONSULTATION');
    expect((await stateOf(done.id))?.state).toBe('COMPLETED');
    expect((await stateOf(noShow.id))?.state).toBe('NO_SHOW');
    expect(await stateOf(byStaff.id)).toMatchObject({ cancel_reason: 'went home', version: 2 });
    expect((await stateOf(today.id))?.state).toBe('WAITING');

    // Each cancellation: its own audit row, in the job's name, tied to the run.
    const audit = await sql<{ entity_id: string; actor_type: string; actor_id: string }>`
      SELECT entity_id, actor_type, actor_id FROM audit_events
      WHERE action = 'visit.cancelled' AND request_id = 'job:close-out:2026-11-24'
      ORDER BY entity_id`.execute(db.handle.db);
    expect(audit.rows.map((r) => r.entity_id)).toEqual(
      [w1, w2, called, w3, called2].map((v) => v.id).sort(),
    );
    expect(new Set(audit.rows.map((r) => `${r.actor_type}:${r.actor_id}`))).toEqual(
      new Set(['system:job:close-out']),
    );

    // The event log stays gap-free, and the instance that did not run the job streams them.
    const ids = await eventIdsOf(db.handle, dep.id);
    expect(ids).toEqual(oneToN(lastEventBefore + 3));
    await depStream.until((f) => cancelledIn(f).length >= 3);
    await otherStream.until((f) => cancelledIn(f).length >= 2);
    expect(cancelledIn(depStream.frames).sort()).toEqual([w1.id, w2.id, called.id].sort());
    expect(cancelledIn(otherStream.frames).sort()).toEqual([w3.id, called2.id].sort());
    expect(eventFrames(depStream.frames).map((f) => Number(f.id))).toEqual([
      lastEventBefore + 1,
      lastEventBefore + 2,
      lastEventBefore + 3,
    ]);
    for (const s of streams) s.close();

    // Again, same time, both instances: nothing more runs.
    const again = await race();
    expect(ranPerJob(again.a, again.b)).toEqual(
      Object.fromEntries([...again.a, ...again.b].map((o) => [o.job, 0])),
    );
    expect(Object.values(await jobRunCounts(db.handle.db))).toEqual([1, 1, 1]);
  });

  it('each period runs once: hourly jobs every hour, the close-out once a service day', async () => {
    const before = await jobRunCounts(db.handle.db);
    clock.set(new Date('2026-11-24T00:05:00Z'));
    await race();
    clock.set(new Date('2026-11-24T00:59:00Z'));
    await race();
    clock.set(new Date('2026-11-24T22:59:59Z')); // still the 24th in Paris
    await race();
    clock.set(new Date('2026-11-24T23:00:00Z')); // the 25th
    const { a, b } = await race();
    expect(ranPerJob(a, b)).toEqual({ 'close-out': 1, retention: 1, pruning: 1 });
    const after = await jobRunCounts(db.handle.db);
    const added = Object.keys(after).filter((k) => !(k in before));
    expect(added.sort()).toEqual([
      'close-out@2026-11-25',
      'pruning@2026-11-24T00',
      'pruning@2026-11-24T22',
      'pruning@2026-11-24T23',
      'retention@2026-11-24T00',
      'retention@2026-11-24T22',
      'retention@2026-11-24T23',
    ]);
    expect(Object.values(after).every((n) => n === 1)).toBe(true);
    const runs = await sql<{ after: { rowsTouched: number; rows: Record<string, number> } }>`
      SELECT after FROM audit_events
      WHERE action = 'job.run' AND entity_id = 'close-out' AND after->>'period' = '2026-11-25'`.execute(
      db.handle.db,
    );
    // The patient who checked in just after midnight on the 24th was left waiting.
    expect(runs.rows[0]?.after).toMatchObject({ rowsTouched: 1, rows: { cancelled: 1 } });
  });
});

describe('retention and pruning', () => {
  const oldName = 'Zebulon Quackenbush';
  const oldPhone = '+33 6 12 98 76 54';
  const recentName = 'Yolanda Recentworth';
  const recentPhone = '+33 6 55 44 33 22';

  it('erases every name and phone older than RETENTION_DAYS, in every table, and keeps the rows', async () => {
    const start = new Date('2027-01-10T09:00:00Z');
    clock.set(start);
    const dep = await createDepartment(A, 'KEEP');
    const target = await createDepartment(A, 'KEEPT');
    const kiosk = await createKiosk(A, [dep.id]);
    const room = dep.roomIds[0] as string;

    // An old visit that went through every step (each event copies the name and phone), and
    // one transferred: the new visit in the other department carries them too.
    const seen = await arrive(kiosk, dep.id, { displayName: oldName, phone: oldPhone });
    const s1 = await post(`/api/v1/visits/${seen.id}/call`, { version: 1, roomId: room });
    const s2 = await post(`/api/v1/visits/${seen.id}/recall`, { version: s1.version });
    const s3 = await post(`/api/v1/visits/${seen.id}/start`, { version: s2.version });
    await post(`/api/v1/visits/${seen.id}/complete`, { version: s3.version });
    const moved = await arrive(kiosk, dep.id, { displayName: `${oldName} II`, phone: oldPhone });
    const res = await A.app.inject({
      method: 'POST',
      url: `/api/v1/visits/${moved.id}/transfer`,
      headers: bearer(await A.adminToken()),
      payload: { version: 1, toDepartmentId: target.id },
    });
    expect(res.statusCode).toBe(200);
    // A reason typed by staff may name the patient: it is patient data too, never audited.
    const left = await arrive(kiosk, dep.id);
    await post(`/api/v1/visits/${left.id}/cancel`, { version: 1, reason: 'Quackenbush went home' });

    // 29 days later, a recent patient: inside the limit when retention runs a day later.
    clock.set(new Date(start.getTime() + 29 * 86_400_000));
    await arrive(kiosk, dep.id, { displayName: recentName, phone: recentPhone });

    // The search finds what is there (so finding nothing later means something).
    expect(await whereStored(db.handle.db, 'Quackenbush')).toEqual([
      'visit_events.visit',
      'visits.cancel_reason',
      'visits.display_name',
    ]);
    expect(await whereStored(db.handle.db, '98 76 54')).toEqual([
      'visit_events.visit',
      'visits.phone',
    ]);
    const count = async (table: 'visits' | 'visit_events' | 'audit_events') =>
      Number(
        (
          await sql<{ n: number }>`SELECT count(*)::int AS n FROM ${sql.table(table)}`.execute(
            db.handle.db,
          )
        ).rows[0]?.n,
      );
    const before = {
      visits: await count('visits'),
      events: await count('visit_events'),
      audit: await count('audit_events'),
    };

    // 30 days and an hour after the old check-ins; both instances at once.
    clock.set(new Date(start.getTime() + 30 * 86_400_000 + 3_600_000));
    const { a, b } = await race();
    const outcomes = [...a, ...b].filter((o) => o.outcome === 'ran');
    expect(outcomes.map((o) => o.job).sort()).toEqual(['close-out', 'pruning', 'retention']);
    const retention = outcomes.find((o) => o.job === 'retention');
    // The four old visits here (the transferred one and its successor, the cancelled one)
    // and the close-out test's visit cancelled with a typed reason ("went home"); not the
    // recent one.
    expect(retention?.rows).toMatchObject({ visits: 5 });
    const cancelled = outcomes.find((o) => o.job === 'close-out')?.rows?.cancelled ?? 0;

    for (const needle of ['Quackenbush', '98 76 54', 'Zebulon']) {
      expect(await whereStored(db.handle.db, needle), needle).toEqual([]);
    }
    expect(await whereStored(db.handle.db, 'Recentworth')).toEqual([
      'visit_events.visit',
      'visits.display_name',
    ]);
    expect(await whereStored(db.handle.db, '55 44 33 22')).toEqual([
      'visit_events.visit',
      'visits.phone',
    ]);
    // Nothing is deleted: statistics and the audit trail keep every row (and ids).
    expect(await count('visits')).toBe(before.visits);
    expect(await count('visit_events')).toBe(before.events + cancelled);
    expect(await count('audit_events')).toBe(before.audit + cancelled + outcomes.length);
    const kept = await sql<{ state: string; ticket: string; n: number }>`
      SELECT v.state, v.ticket, (SELECT count(*)::int FROM visit_events e WHERE e.visit_id = v.id) AS n
      FROM visits v WHERE v.id = ${seen.id}`.execute(db.handle.db);
    expect(kept.rows[0]).toEqual({ state: 'COMPLETED', ticket: seen.ticket, n: 5 });
  });

  it('pruning removes idempotency records and failed logins past 24 h and expired sessions, and keeps the rest', async () => {
    const start = new Date('2027-03-01T09:00:00Z');
    clock.set(start);
    const dep = await createDepartment(A, 'PRUNE');
    const kiosk = await createKiosk(A, [dep.id]);
    const failLogin = (username: string) =>
      A.app.inject({
        method: 'POST',
        url: '/api/v1/auth/login',
        payload: { username, password: `${TEST_PASSWORD}x` },
      });
    await arrive(kiosk, dep.id);
    await failLogin('someone-old');
    await A.tokenFor({ username: 'old-login', role: 'doctor' }); // a session, 12 h long

    clock.set(new Date(start.getTime() + 48 * 3_600_000));
    const recent = await arrive(kiosk, dep.id);
    await failLogin('someone-new');
    await A.tokenFor({ username: 'new-login', role: 'doctor' });

    clock.advance(3_600_000);
    const { a, b } = await race();
    const pruning = [...a, ...b].find((o) => o.job === 'pruning' && o.outcome === 'ran');
    expect(pruning?.rows?.idempotencyRecords).toBeGreaterThanOrEqual(1);
    expect(pruning?.rows?.loginFailures).toBeGreaterThanOrEqual(1);
    expect(pruning?.rows?.sessions).toBeGreaterThanOrEqual(1);

    const left = async (query: ReturnType<typeof sql<{ n: number }>>) =>
      Number((await query.execute(db.handle.db)).rows[0]?.n);
    const cutoff = new Date(clock.now().getTime() - 24 * 3_600_000);
    expect(
      await left(sql`SELECT count(*)::int AS n FROM idempotency_keys WHERE created_at < ${cutoff}`),
    ).toBe(0);
    expect(
      await left(
        sql`SELECT count(*)::int AS n FROM idempotency_keys WHERE visit_id = ${recent.id}`,
      ),
    ).toBe(1);
    expect(
      await left(sql`SELECT count(*)::int AS n FROM login_failures WHERE username = 'someone-old'`),
    ).toBe(0);
    expect(
      await left(sql`SELECT count(*)::int AS n FROM login_failures WHERE username = 'someone-new'`),
    ).toBe(1);
    const sessionsOf = (username: string) =>
      left(sql`SELECT count(*)::int AS n FROM sessions s JOIN users u ON u.id = s.user_id
        WHERE u.username = ${username}`);
    expect(await sessionsOf('old-login')).toBe(0);
    expect(await sessionsOf('new-login')).toBe(1);
  });
});
