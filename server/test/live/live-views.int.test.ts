import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeLoadQueueView } from '../../src/application/get-queue.js';
import { makeDepartmentFeeds, type Channel } from '../../src/application/live/department-feeds.js';
import { makePublicFanout } from '../../src/application/live/public-fanout.js';
import {
  boardDepartment,
  positions,
  ticketView,
  type BoardDepartment,
  type TicketView,
} from '../../src/application/live/public-views.js';
import { staffQueue } from '../../src/application/live/queue-view.js';
import { makeEventLog } from '../../src/infrastructure/postgres/event-log.repository.js';
import { makeTransactor } from '../../src/infrastructure/postgres/transactor.js';
import { toVisit } from '../../src/infrastructure/postgres/visit.mapper.js';
import {
  bearer,
  createDepartment,
  manualClock,
  startTestApp,
  type TestApp,
} from '../support/app.js';
import { freshPostgres, type TestDatabase } from '../support/postgres.js';

/**
 * Issue 11, property: random sequences of check-ins and transitions through the HTTP API;
 * after each, a department's live view — staff queue, board and every ticket, as the
 * stream side derives them — equals what is computed from the database at that moment.
 */
let db: TestDatabase;
let t: TestApp;
const clock = manualClock(new Date('2031-05-06T07:30:00Z'));
const TZ = 'UTC';

beforeAll(async () => {
  db = await freshPostgres();
  t = await startTestApp(db.handle, { clock });
});

afterAll(async () => {
  await t.close();
  await db.drop();
});

const post = async (url: string, payload: object, headers: Record<string, string> = {}) =>
  t.app.inject({
    method: 'POST',
    url,
    headers: { ...bearer(await t.adminToken()), ...headers },
    payload,
  });

/** A hub of its own on the app's bus: the code under test, with its views in reach. */
const observe = async (departmentId: string) => {
  const tx = makeTransactor(db.handle.db, clock);
  const feeds = makeDepartmentFeeds({
    clock,
    log: makeEventLog(db.handle.db),
    bus: t.services.coordination.bus,
    loadView: makeLoadQueueView({ tx, clock, timeZone: TZ }),
    readCounter: (id) => tx.autocommit(({ queue }) => queue.counter(id)),
    onError: (err) => {
      throw err;
    },
  });
  const fanout = makePublicFanout({ feeds, clock });
  const ch = await feeds.acquire(departmentId);
  const board: { last: BoardDepartment[] } = { last: [] };
  fanout.followBoard([ch], { send: (_kind, departments) => (board.last = departments) });
  return { feeds, fanout, ch, board, tx };
};

const headOf = async (departmentId: string): Promise<number> =>
  (await makeEventLog(db.handle.db).head(departmentId)).lastEventId;

/** Until the hub has every committed event, settled, and the screens have been told. */
const caughtUp = async (
  ch: Channel,
  feeds: { enqueue: (c: Channel, w: () => Promise<void>) => Promise<void> },
) => {
  const head = await headOf(ch.departmentId);
  // Bounded (~10 s of polling), so a slow machine still gets there; the checks follow.
  for (let i = 0; i < 2_000; i += 1) {
    await feeds.enqueue(ch, async () => {});
    if (ch.view.exact() && ch.view.get()?.lastEventId === head) break;
    await new Promise((r) => setTimeout(r, 5));
  }
  await new Promise((r) => setImmediate(r));
  await new Promise((r) => setImmediate(r));
  expect(ch.view.get()?.lastEventId).toBe(head);
  expect(ch.view.exact()).toBe(true);
};

type Op =
  | { kind: 'checkIn'; priority: 'normal' | 'priority' | 'emergency' }
  | { kind: 'callNext' }
  | { kind: 'act'; pick: number; action: string }
  | { kind: 'wait'; minutes: number };

const op: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 3,
    arbitrary: fc
      .constantFrom('normal', 'normal', 'priority', 'emergency')
      .map((priority) => ({ kind: 'checkIn' as const, priority })),
  },
  { weight: 2, arbitrary: fc.constant({ kind: 'callNext' as const }) },
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant('act' as const),
      pick: fc.nat(),
      action: fc.constantFrom(
        'call',
        'recall',
        'start',
        'complete',
        'no-show',
        'return-to-queue',
        'requeue',
        'cancel',
        'transfer',
      ),
    }),
  },
  {
    weight: 1,
    arbitrary: fc
      .integer({ min: 1, max: 25 })
      .map((minutes) => ({ kind: 'wait' as const, minutes })),
  },
);

let codes = 0;
const nextCode = (): string => {
  codes += 1;
  return `PV${String.fromCharCode(65 + (Math.floor(codes / 26) % 26))}${String.fromCharCode(65 + (codes % 26))}`;
};

describe('live views equal the database', () => {
  it('after every random check-in and transition: staff, board and ticket views', async () => {
    const elsewhere = await createDepartment(t, 'PVXFER');
    let keys = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 8, maxLength: 24 }), async (ops) => {
        const dep = await createDepartment(t, nextCode(), {
          rooms: ['Room A', 'Room B'],
          priorityBurst: 2,
          maxWaitMinutes: 20,
        });
        const hub = await observe(dep.id);
        const tickets = new Map<string, { last: TicketView | null }>();
        for (const o of ops) {
          if (o.kind === 'wait') clock.advance(o.minutes * 60_000);
          else if (o.kind === 'checkIn') {
            clock.advance(30_000);
            const res = await post(
              '/api/v1/checkins',
              { departmentId: dep.id, priority: o.priority, patient: { displayName: 'Pat' } },
              { 'idempotency-key': `pv-${(keys += 1)}` },
            );
            expect(res.statusCode).toBe(201);
            const visit = res.json<{ visit: { publicToken: string; id: string } }>().visit;
            // Every patient's phone follows its ticket from check-in on.
            const seen: { last: TicketView | null } = { last: null };
            tickets.set(visit.id, seen);
            const { ch } = hub;
            const found = await hub.tx.autocommit(({ visits }) => visits.findById(visit.id));
            if (found !== null)
              hub.fanout.followTicket(ch, found, { send: (v) => (seen.last = v) });
          } else if (o.kind === 'callNext') {
            await post(`/api/v1/departments/${dep.id}/call-next`, { roomId: dep.roomIds[0] ?? '' });
          } else {
            const rows = await db.handle.db
              .selectFrom('visits')
              .selectAll()
              .where('department_id', '=', dep.id)
              .orderBy('seq')
              .execute();
            const v = rows[o.pick % Math.max(1, rows.length)];
            if (v !== undefined) {
              clock.advance(15_000);
              const body: Record<string, unknown> = { version: v.version };
              if (o.action === 'call') body.roomId = dep.roomIds[1] ?? '';
              if (o.action === 'transfer') body.toDepartmentId = elsewhere.id;
              await post(`/api/v1/visits/${v.id}/${o.action}`, body);
            }
          }
          await caughtUp(hub.ch, hub.feeds);

          // The database, now: one REPEATABLE READ snapshot, and every visit's own row.
          const fresh = await makeLoadQueueView({ tx: hub.tx, clock, timeZone: TZ })(dep.id);
          const view = hub.ch.view.get();
          if (fresh === null || view === null) throw new Error('no view');
          const now = clock.now();
          expect(staffQueue(view, now)).toEqual(staffQueue(fresh, now));
          expect(hub.board.last).toEqual([boardDepartment(fresh)]);
          const order = positions(fresh, now);
          const rows = await db.handle.db
            .selectFrom('visits')
            .selectAll()
            .where('department_id', '=', dep.id)
            .execute();
          for (const row of rows) {
            const expected = ticketView(fresh, toVisit(row), order);
            expect(tickets.get(row.id)?.last, `ticket ${row.ticket}`).toEqual(expected);
          }
        }
        await hub.feeds.closeAll();
      }),
      { numRuns: 6 },
    );
  });
});

/**
 * Two changes no event marks, found by the property above: a waiting patient passing the
 * department's limit (ageing), and a new service day. Both reach the screens when the
 * clock reaches them — here a test clock that jumps, as the wall clock would get there.
 */
describe('live views follow time as well as events', () => {
  const checkIn = async (departmentId: string, priority: string, key: string) => {
    const res = await post(
      '/api/v1/checkins',
      { departmentId, priority },
      { 'idempotency-key': key },
    );
    expect(res.statusCode).toBe(201);
    return res.json<{ visit: { id: string } }>().visit;
  };

  it('ageing past maxWaitMinutes moves a ticket up with no event', async () => {
    clock.set(new Date('2031-06-02T09:00:00Z'));
    const dep = await createDepartment(t, 'TAGE', { maxWaitMinutes: 20, priorityBurst: 5 });
    const hub = await observe(dep.id);
    const normal = await checkIn(dep.id, 'normal', 'age-1');
    clock.advance(60_000);
    const urgent = await checkIn(dep.id, 'priority', 'age-2');
    await caughtUp(hub.ch, hub.feeds);
    const seen = { last: null as TicketView | null };
    const visit = await hub.tx.autocommit(({ visits }) => visits.findById(normal.id));
    if (visit === null) throw new Error('no visit');
    hub.fanout.followTicket(hub.ch, visit, { send: (v) => (seen.last = v) });
    expect(seen.last?.position).toBe(2); // behind the priority patient
    const before = await headOf(dep.id);

    clock.advance(19 * 60_000); // 20 minutes since check-in: counts as priority now
    expect(seen.last?.position).toBe(1);
    expect(await headOf(dep.id)).toBe(before); // no event did it
    expect(urgent.id).not.toBe(normal.id);
    await hub.feeds.closeAll();
  });

  it('a new service day reloads the view: boards and tickets show the new day', async () => {
    clock.set(new Date('2031-06-03T23:50:00Z'));
    const dep = await createDepartment(t, 'TDAY');
    const hub = await observe(dep.id);
    const late = await checkIn(dep.id, 'normal', 'day-1');
    await caughtUp(hub.ch, hub.feeds);
    const seen = { last: null as TicketView | null };
    const visit = await hub.tx.autocommit(({ visits }) => visits.findById(late.id));
    if (visit === null) throw new Error('no visit');
    hub.fanout.followTicket(hub.ch, visit, { send: (v) => (seen.last = v) });
    expect(hub.board.last[0]?.waitingCount).toBe(1);
    expect(seen.last?.position).toBe(1);

    clock.advance(15 * 60_000); // 00:05 the next day (UTC): yesterday's waiting list is done
    await caughtUp(hub.ch, hub.feeds);
    expect(hub.ch.view.get()?.serviceDay).toBe('2031-06-04');
    expect(hub.board.last[0]?.waitingCount).toBe(0);
    expect(seen.last?.position).toBeNull();
    await hub.feeds.closeAll();
  });
});
