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
  type TestApp,
  type VisitBody,
} from '../support/app.js';

/** The queue as a clinic uses it: fairness, transfers, re-queues and the queue view. */
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

const post = async (url: string, payload: unknown, token?: string) => {
  const res = await t.app.inject({
    method: 'POST',
    url,
    headers: bearer(token ?? (await t.adminToken())),
    payload: payload as object,
  });
  return { status: res.statusCode, body: res.json<Record<string, unknown>>() };
};

/** Check-ins one simulated minute apart, so queue order by time is unambiguous. */
const arrive = async (kiosk: string, dep: string, priority = 'normal', name?: string) => {
  clock.advance(60_000);
  return checkIn(t, kiosk, dep, { priority, ...(name !== undefined && { displayName: name }) });
};

const callNext = async (dep: { id: string; roomIds: string[] }) => {
  const r = await post(`/api/v1/departments/${dep.id}/call-next`, { roomId: dep.roomIds[0] });
  expect(r.status).toBe(200);
  return r.body.visit as VisitBody;
};

describe('call-next fairness (priorityBurst)', () => {
  it('calls emergency first, then at most priorityBurst priority patients before a normal one', async () => {
    const dep = await createDepartment(t, 'FAIR', { priorityBurst: 2 });
    const kiosk = await createKiosk(t, [dep.id]);
    const reception = await t.tokenFor({
      username: 'rec-fair',
      role: 'reception',
      departmentIds: [dep.id],
    });
    const n1 = await arrive(kiosk, dep.id);
    const p1 = await arrive(kiosk, dep.id, 'priority');
    const p2 = await arrive(kiosk, dep.id, 'priority');
    const p3 = await arrive(kiosk, dep.id, 'priority');
    clock.advance(60_000);
    const e1 = await checkIn(t, reception, dep.id, { priority: 'emergency' });

    const queue = await t.app.inject({
      method: 'GET',
      url: `/api/v1/departments/${dep.id}/queue`,
      headers: bearer(await t.adminToken()),
    });
    const projected = queue.json<{ waiting: VisitBody[] }>().waiting.map((v) => v.ticket);
    const order = [];
    for (let i = 0; i < 5; i += 1) order.push((await callNext(dep)).ticket);
    expect(order).toEqual([e1.ticket, p1.ticket, p2.ticket, n1.ticket, p3.ticket]);
    // The queue view shows the order call-next will actually take.
    expect(projected).toEqual(order);
  });

  it('ageing: a normal patient past maxWaitMinutes is called as priority', async () => {
    const dep = await createDepartment(t, 'AGE', { maxWaitMinutes: 30 });
    const kiosk = await createKiosk(t, [dep.id]);
    const old = await arrive(kiosk, dep.id);
    clock.advance(31 * 60_000);
    const p = await arrive(kiosk, dep.id, 'priority');
    expect((await callNext(dep)).id).toBe(old.id);
    expect((await callNext(dep)).id).toBe(p.id);
  });
});

describe('return-to-queue and requeue', () => {
  it('return-to-queue keeps the place; a no-show requeued goes to the back', async () => {
    const dep = await createDepartment(t, 'BACK');
    const kiosk = await createKiosk(t, [dep.id]);
    const a = await arrive(kiosk, dep.id);
    const b = await arrive(kiosk, dep.id);
    const calledA = await callNext(dep);
    expect(calledA.id).toBe(a.id);
    const returned = await post(`/api/v1/visits/${a.id}/return-to-queue`, {
      version: calledA.version,
    });
    expect(returned.status).toBe(200);
    const again = await callNext(dep);
    expect(again.id).toBe(a.id); // still ahead of b

    const noShow = await post(`/api/v1/visits/${a.id}/no-show`, { version: again.version });
    expect(noShow.status).toBe(200);
    const c = await arrive(kiosk, dep.id);
    clock.advance(60_000);
    const requeued = await post(`/api/v1/visits/${a.id}/requeue`, {
      version: (noShow.body.visit as VisitBody).version,
    });
    expect(requeued.body.visit).toMatchObject({ state: 'WAITING' });
    expect([(await callNext(dep)).id, (await callNext(dep)).id, (await callNext(dep)).id]).toEqual([
      b.id,
      c.id,
      a.id,
    ]);
  });
});

describe('transfer', () => {
  it('closes the visit and opens a WAITING one with a new ticket in the target department, with events in both', async () => {
    const card = await createDepartment(t, 'TRA');
    const rad = await createDepartment(t, 'TRB');
    const kiosk = await createKiosk(t, [card.id]);
    const doctor = await t.tokenFor({
      username: 'doc-transfer',
      role: 'doctor',
      departmentIds: [card.id],
    });
    const v = await arrive(kiosk, card.id, 'normal', 'Kofi Mensah');
    const called = await callNext(card);
    const r = await post(
      `/api/v1/visits/${v.id}/transfer`,
      { version: called.version, toDepartmentId: rad.id, priority: 'priority' },
      doctor,
    );
    expect(r.status).toBe(200);
    const closed = r.body.visit as VisitBody & { transferredToVisitId: string };
    const opened = r.body.newVisit as VisitBody & {
      transferredFromVisitId: string;
      departmentId: string;
    };
    expect(closed.state).toBe('TRANSFERRED');
    expect(opened).toMatchObject({
      state: 'WAITING',
      ticket: 'TRB-001',
      priority: 'priority',
      departmentId: rad.id,
    });
    expect(opened.patient?.displayName).toBe('Kofi Mensah');
    expect(closed.transferredToVisitId).toBe(opened.id);
    expect(opened.transferredFromVisitId).toBe(closed.id);
    const events = await sql<{ department_id: string; event_id: number; type: string }>`
      SELECT department_id, event_id, type FROM visit_events
      WHERE department_id IN (${card.id}, ${rad.id}) ORDER BY department_id, event_id`.execute(
      db.handle.db,
    );
    expect(
      events.rows.filter((e) => e.department_id === rad.id).map((e) => [e.event_id, e.type]),
    ).toEqual([[1, 'visit.checked_in']]);
    expect(events.rows.filter((e) => e.department_id === card.id).map((e) => e.type)).toEqual([
      'visit.checked_in',
      'visit.called',
      'visit.transferred',
    ]);
  });

  it('two opposite transfers at once do not deadlock', async () => {
    const a = await createDepartment(t, 'DLA');
    const b = await createDepartment(t, 'DLB');
    const kiosk = await createKiosk(t, [a.id, b.id]);
    const fromA = await Promise.all(Array.from({ length: 5 }, () => checkIn(t, kiosk, a.id)));
    const fromB = await Promise.all(Array.from({ length: 5 }, () => checkIn(t, kiosk, b.id)));
    const results = await Promise.all([
      ...fromA.map((v) =>
        post(`/api/v1/visits/${v.id}/transfer`, { version: 1, toDepartmentId: b.id }),
      ),
      ...fromB.map((v) =>
        post(`/api/v1/visits/${v.id}/transfer`, { version: 1, toDepartmentId: a.id }),
      ),
    ]);
    expect(results.map((r) => r.status)).toEqual(Array(10).fill(200));
  });
});

describe('queue view and visit read', () => {
  it('shows waiting in call order, called and in-consultation lists, and lastEventId', async () => {
    const dep = await createDepartment(t, 'VIEW', { rooms: ['A', 'B'] });
    const kiosk = await createKiosk(t, [dep.id]);
    await arrive(kiosk, dep.id);
    await arrive(kiosk, dep.id);
    await arrive(kiosk, dep.id);
    const first = await callNext(dep);
    await post(`/api/v1/visits/${first.id}/start`, { version: first.version });
    await callNext(dep);
    const res = await t.app.inject({
      method: 'GET',
      url: `/api/v1/departments/${dep.id}/queue`,
      headers: bearer(await t.adminToken()),
    });
    expect(res.statusCode).toBe(200);
    const q = res.json<
      Record<string, unknown> & {
        waiting: VisitBody[];
        called: VisitBody[];
        inConsultation: VisitBody[];
      }
    >();
    expect(q.lastEventId).toBe(6);
    expect(q.serviceDay).toBe('2026-11-23');
    expect([q.waiting.length, q.called.length, q.inConsultation.length]).toEqual([1, 1, 1]);
    expect(q.stats).toMatchObject({ waitingCount: 1 });
  });

  it('GET /visits/:id returns patient data to staff and audits the read', async () => {
    const dep = await createDepartment(t, 'READ');
    const kiosk = await createKiosk(t, [dep.id]);
    const v = await arrive(kiosk, dep.id, 'normal', 'Awa D.');
    const res = await t.app.inject({
      method: 'GET',
      url: `/api/v1/visits/${v.id}`,
      headers: bearer(await t.adminToken()),
    });
    expect(res.statusCode).toBe(200);
    expect(res.json<{ visit: VisitBody }>().visit.patient?.displayName).toBe('Awa D.');
    const reads = await sql<{ n: number }>`
      SELECT count(*)::int AS n FROM audit_events WHERE action = 'visit.read' AND entity_id = ${v.id}`.execute(
      db.handle.db,
    );
    expect(reads.rows[0]?.n).toBe(1);
  });
});
