import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshPostgres, type TestDatabase } from '../support/postgres.js';
import {
  bearer,
  checkIn,
  createDepartment,
  createKiosk,
  listen,
  startTestApp,
  type TestApp,
  type VisitBody,
} from '../support/app.js';

/**
 * SPEC invariants 1–5 through real HTTP connections to a listening server on a real
 * Postgres: each concurrent request is its own connection and transaction.
 */
let db: TestDatabase;
let t: TestApp;
let base: string;
let admin: string;

beforeAll(async () => {
  db = await freshPostgres({ poolSize: 10 });
  t = await startTestApp(db.handle);
  base = await listen(t.app);
  admin = await t.adminToken();
});

afterAll(async () => {
  await t.close();
  await db.drop();
});

const post = async (
  path: string,
  token: string,
  body: unknown,
  headers: Record<string, string> = {},
) => {
  const res = await fetch(`${base}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...bearer(token), ...headers },
    body: JSON.stringify(body),
  });
  return {
    status: res.status,
    headers: res.headers,
    body: (await res.json()) as Record<string, unknown>,
  };
};

const count = async (query: ReturnType<typeof sql<{ n: number }>>): Promise<number> =>
  (await query.execute(db.handle.db)).rows[0]?.n ?? -1;

describe('invariant 2: gap-free, unique tickets', () => {
  it('200 concurrent check-ins in one department get seqs exactly 1..200', async () => {
    const dep = await createDepartment(t, 'GAP');
    const kiosk = await createKiosk(t, [dep.id]);
    const results = await Promise.all(
      Array.from({ length: 200 }, (_, i) =>
        post(
          '/api/v1/checkins',
          kiosk,
          { departmentId: dep.id },
          { 'idempotency-key': `gap-${i}` },
        ),
      ),
    );
    expect(results.map((r) => r.status)).toEqual(Array(200).fill(201));
    const seqs = results.map((r) => (r.body.visit as VisitBody).seq).sort((a, b) => a - b);
    expect(seqs).toEqual(Array.from({ length: 200 }, (_, i) => i + 1));
    const tickets = new Set(results.map((r) => (r.body.visit as VisitBody).ticket));
    expect(tickets.size).toBe(200);
    expect(tickets).toContain('GAP-001');
    expect(tickets).toContain('GAP-200');
    // The event log is gap-free too: one event per check-in, numbered 1..200.
    const events = await sql<{ event_id: number }>`
      SELECT event_id FROM visit_events WHERE department_id = ${dep.id} ORDER BY event_id`.execute(
      db.handle.db,
    );
    expect(events.rows.map((r) => r.event_id)).toEqual(
      Array.from({ length: 200 }, (_, i) => i + 1),
    );
  });
});

describe('invariant 1: no duplicate check-in', () => {
  it('20 concurrent identical check-ins with one key make one visit; the others replay it or are told it is in flight', async () => {
    const dep = await createDepartment(t, 'IDEM');
    const kiosk = await createKiosk(t, [dep.id]);
    const body = { departmentId: dep.id, patient: { displayName: 'Awa D.' } };
    const results = await Promise.all(
      Array.from({ length: 20 }, () =>
        post('/api/v1/checkins', kiosk, body, { 'idempotency-key': 'same-key' }),
      ),
    );
    const created = results.filter((r) => r.status === 201);
    const inFlight = results.filter((r) => r.status === 409);
    expect(created.length + inFlight.length).toBe(20);
    expect(created.length).toBeGreaterThanOrEqual(1);
    for (const r of inFlight) expect(r.body.code).toBe('IDEMPOTENCY_IN_PROGRESS');
    expect(new Set(created.map((r) => (r.body.visit as VisitBody).id)).size).toBe(1);
    expect(created.filter((r) => r.headers.get('idempotent-replayed') === 'true').length).toBe(
      created.length - 1,
    );
    expect(
      await count(
        sql<{ n: number }>`SELECT count(*)::int AS n FROM visits WHERE department_id = ${dep.id}`,
      ),
    ).toBe(1);
  });

  it('a sequential retry returns the original status and body, even after the visit moved on', async () => {
    const dep = await createDepartment(t, 'RETRY');
    const kiosk = await createKiosk(t, [dep.id]);
    const body = { departmentId: dep.id };
    const first = await post('/api/v1/checkins', kiosk, body, { 'idempotency-key': 'k-1' });
    await post(`/api/v1/departments/${dep.id}/call-next`, admin, { roomId: dep.roomIds[0] });
    const again = await post('/api/v1/checkins', kiosk, body, { 'idempotency-key': 'k-1' });
    expect(again.status).toBe(201);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.body).toEqual(first.body);
  });

  it('the same key with another body is refused with 422 and changes nothing', async () => {
    const dep = await createDepartment(t, 'REUSE');
    const kiosk = await createKiosk(t, [dep.id]);
    await post('/api/v1/checkins', kiosk, { departmentId: dep.id }, { 'idempotency-key': 'k-2' });
    const other = await post(
      '/api/v1/checkins',
      kiosk,
      { departmentId: dep.id, priority: 'priority' },
      { 'idempotency-key': 'k-2' },
    );
    expect(other.status).toBe(422);
    expect(other.body.code).toBe('IDEMPOTENCY_KEY_REUSED');
    expect(
      await count(
        sql<{ n: number }>`SELECT count(*)::int AS n FROM visits WHERE department_id = ${dep.id}`,
      ),
    ).toBe(1);
  });

  it('keys are scoped to the credential: two kiosks may use the same key', async () => {
    const dep = await createDepartment(t, 'SCOPE');
    const [k1, k2] = [await createKiosk(t, [dep.id]), await createKiosk(t, [dep.id])];
    const a = await post(
      '/api/v1/checkins',
      k1,
      { departmentId: dep.id },
      { 'idempotency-key': 'shared' },
    );
    const b = await post(
      '/api/v1/checkins',
      k2,
      { departmentId: dep.id },
      { 'idempotency-key': 'shared' },
    );
    expect([a.status, b.status]).toEqual([201, 201]);
    expect((a.body.visit as VisitBody).id).not.toBe((b.body.visit as VisitBody).id);
  });
});

describe('invariant 3: nobody is called twice', () => {
  it('20 concurrent call-next with 10 waiting call 10 different patients and report 10 QUEUE_EMPTY', async () => {
    const rooms = Array.from({ length: 20 }, (_, i) => `Room ${i + 1}`);
    const dep = await createDepartment(t, 'CALL', { rooms });
    const kiosk = await createKiosk(t, [dep.id]);
    for (let i = 0; i < 10; i += 1)
      await checkIn(t, kiosk, dep.id, { priority: i % 3 === 0 ? 'priority' : 'normal' });
    const results = await Promise.all(
      dep.roomIds.map((roomId) =>
        post(`/api/v1/departments/${dep.id}/call-next`, admin, { roomId }),
      ),
    );
    const called = results
      .filter((r) => r.status === 200)
      .map((r) => r.body.visit as VisitBody & { roomId: string });
    const empty = results.filter((r) => r.status === 409);
    expect(called).toHaveLength(10);
    expect(empty).toHaveLength(10);
    for (const r of empty) expect(r.body.code).toBe('QUEUE_EMPTY');
    expect(new Set(called.map((v) => v.id)).size).toBe(10);
    expect(new Set(called.map((v) => v.roomId)).size).toBe(10);
    expect(called.every((v) => v.state === 'CALLED' && v.version === 2)).toBe(true);
  });
});

describe('invariant 4: no lost update', () => {
  it('two transitions with the same version: one 200, one 409 with currentVersion, and only one change recorded', async () => {
    const dep = await createDepartment(t, 'VER', { rooms: ['A', 'B'] });
    const kiosk = await createKiosk(t, [dep.id]);
    const visit = await checkIn(t, kiosk, dep.id);
    const [a, b] = await Promise.all(
      dep.roomIds.map((roomId) =>
        post(`/api/v1/visits/${visit.id}/call`, admin, { version: 1, roomId }),
      ),
    );
    expect([a?.status, b?.status].sort()).toEqual([200, 409]);
    const conflict = [a, b].find((r) => r?.status === 409);
    expect(conflict?.body).toMatchObject({ code: 'VERSION_CONFLICT', currentVersion: 2 });
    expect(
      await count(
        sql<{
          n: number;
        }>`SELECT count(*)::int AS n FROM visit_events WHERE visit_id = ${visit.id}`,
      ),
    ).toBe(2);
  });

  it('an invalid transition is a 422 naming the state, and changes nothing', async () => {
    const dep = await createDepartment(t, 'INV');
    const kiosk = await createKiosk(t, [dep.id]);
    const visit = await checkIn(t, kiosk, dep.id);
    const before = await count(sql<{ n: number }>`SELECT count(*)::int AS n FROM audit_events`);
    const res = await post(`/api/v1/visits/${visit.id}/complete`, admin, { version: 1 });
    expect(res.status).toBe(422);
    expect(res.body).toMatchObject({ code: 'INVALID_TRANSITION', state: 'WAITING' });
    const row = await sql<{
      state: string;
      version: number;
    }>`SELECT state, version FROM visits WHERE id = ${visit.id}`.execute(db.handle.db);
    expect(row.rows[0]).toEqual({ state: 'WAITING', version: 1 });
    expect(
      await count(
        sql<{
          n: number;
        }>`SELECT count(*)::int AS n FROM visit_events WHERE visit_id = ${visit.id}`,
      ),
    ).toBe(1);
    expect(await count(sql<{ n: number }>`SELECT count(*)::int AS n FROM audit_events`)).toBe(
      before,
    );
  });
});

describe('invariant 5: every change is audited, and the audit log is append-only', () => {
  it('a visit through its whole life leaves one audit row per change, without patient data', async () => {
    const dep = await createDepartment(t, 'AUD');
    const kiosk = await createKiosk(t, [dep.id]);
    const visit = await checkIn(t, kiosk, dep.id, { displayName: 'Zanele Secretname' });
    let version = 1;
    const step = async (path: string, body: Record<string, unknown> = {}) => {
      const r = await post(`/api/v1/visits/${visit.id}/${path}`, admin, { version, ...body });
      expect(r.status).toBe(200);
      version = (r.body.visit as VisitBody).version;
    };
    await step('call', { roomId: dep.roomIds[0] });
    await step('recall');
    await step('start');
    await step('complete');
    const rows = await sql<{ action: string; before: unknown; after: unknown; actor_type: string }>`
      SELECT action, before, after, actor_type FROM audit_events WHERE entity_id = ${visit.id} ORDER BY id`.execute(
      db.handle.db,
    );
    expect(rows.rows.map((r) => r.action)).toEqual([
      'visit.checked_in',
      'visit.called',
      'visit.recalled',
      'visit.started',
      'visit.completed',
    ]);
    expect(rows.rows[0]?.actor_type).toBe('kiosk');
    expect(JSON.stringify(rows.rows)).not.toContain('Secretname');
  });

  it('UPDATE, DELETE and TRUNCATE on audit_events are refused by the database', async () => {
    await expect(sql`UPDATE audit_events SET action = 'x'`.execute(db.handle.db)).rejects.toThrow(
      /append-only/,
    );
    await expect(sql`DELETE FROM audit_events`.execute(db.handle.db)).rejects.toThrow(
      /append-only/,
    );
    await expect(sql`TRUNCATE audit_events`.execute(db.handle.db)).rejects.toThrow(/append-only/);
    expect(
      await count(sql<{ n: number }>`SELECT count(*)::int AS n FROM audit_events`),
    ).toBeGreaterThan(0);
  });
});
