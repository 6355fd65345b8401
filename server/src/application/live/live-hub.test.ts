import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { makeQueueModel, type QueueModel } from '../../../test/support/queue-model.js';
import type { Department } from '../../domain/department.js';
import type { VisitEvent } from '../../domain/events.js';
import type { EventBus } from '../ports.js';
import { makeDepartmentFeeds, type Channel, type DepartmentFeeds } from './department-feeds.js';
import { followLive } from './feed-followers.js';
import { boardDepartment, positions, ticketView } from './public-views.js';
import { staffQueue, viewFromSnapshot } from './queue-view.js';

/**
 * The live view of one department against an in-memory database (test/support/queue-model)
 * and a bus the test drives: drops, duplicates, reordering, gaps, reconnects. Whenever the
 * view says it is exact, it must equal a fresh snapshot at its own event number, and a
 * staff follower must have every event once, in order.
 */
const DAY = '2030-03-11';
const DAY_ENDS = new Date('2030-03-12T00:00:00Z');
const department: Department = {
  id: '0a7c6d8e-3b2f-4c1d-9e8f-7a6b5c4d3e2f',
  code: 'HUB',
  name: 'Hub',
  active: true,
  policy: { priorityBurst: 2, maxWaitMinutes: 30 },
  rooms: [
    { id: '1b2c3d4e-5f60-4718-8293-a4b5c6d7e8f9', departmentId: '', name: 'Room 1', active: true },
    { id: '2c3d4e5f-6071-4829-93a4-b5c6d7e8f9a0', departmentId: '', name: 'Room 2', active: true },
  ],
};

const scriptedBus = () => {
  let listener: ((e: VisitEvent) => void) | null = null;
  const reconnects: (() => void)[] = [];
  const bus: EventBus = {
    subscribe: async (_id, onEvent) => {
      listener = onEvent;
      return async () => {
        listener = null;
      };
    },
    onReconnect: (l) => reconnects.push(l),
    connected: () => true,
  };
  return {
    bus,
    deliver: (e: VisitEvent) => listener?.(e),
    reconnect: () => reconnects.forEach((l) => l()),
  };
};

const setUp = async (model: QueueModel) => {
  const script = scriptedBus();
  const feeds = makeDepartmentFeeds({
    // The scripted day never ends: these tests move events, not time.
    clock: { now: () => model.now(), wakeAt: () => () => {} },
    log: model.log,
    bus: script.bus,
    loadView: async () => viewFromSnapshot(department, DAY, DAY_ENDS, model.snapshot()),
    readCounter: () => model.counter(),
    onError: (err) => {
      throw err;
    },
  });
  const ch = await feeds.acquire(department.id);
  const received: number[] = [];
  followLive(ch, { send: (e) => received.push(e.eventId) }, ch.lastSeen);
  const start = ch.lastSeen;
  return { ...script, feeds, ch, received, start };
};

/** After the channel settled: exact ⇒ equal to the snapshot at the same event number. */
const expectExact = async (model: QueueModel, feeds: DepartmentFeeds, ch: Channel) => {
  await feeds.enqueue(ch, async () => {});
  const view = ch.view.get();
  if (view === null || !ch.view.exact()) return false;
  const snapshot = model.snapshots.get(view.lastEventId);
  expect(snapshot, `snapshot at ${view.lastEventId}`).toBeDefined();
  const fresh = viewFromSnapshot(department, DAY, DAY_ENDS, snapshot!);
  const now = model.now();
  expect(staffQueue(view, now)).toEqual(staffQueue(fresh, now));
  expect(boardDepartment(view)).toEqual(boardDepartment(fresh));
  const order = positions(view, now);
  expect([...order]).toEqual([...positions(fresh, now)]);
  for (const v of fresh.active.values()) {
    expect(ticketView(view, v, order)).toEqual(ticketView(fresh, v, order));
  }
  return true;
};

const ids = (from: number, to: number): number[] =>
  Array.from({ length: to - from }, (_, i) => from + i + 1);

const busyMorning = (model: QueueModel): void => {
  for (const p of ['normal', 'priority', 'normal', 'emergency', 'priority', 'normal'] as const) {
    model.checkIn(p);
    model.advance(2);
  }
};

describe('live view of a department (scripted bus and event log)', () => {
  it('delivered as committed, it equals the snapshot after every event', async () => {
    const model = makeQueueModel(department, DAY, new Date(`${DAY}T08:00:00Z`));
    const hub = await setUp(model);
    const step = async (commit: () => unknown): Promise<void> => {
      const before = model.events.length;
      commit();
      for (const e of model.events.slice(before)) hub.deliver(e);
      expect(await expectExact(model, hub.feeds, hub.ch)).toBe(true);
    };
    for (const p of ['normal', 'priority', 'normal', 'emergency', 'priority', 'normal'] as const) {
      await step(() => model.checkIn(p));
      model.advance(2);
    }
    const first = model.events[3]?.visit.id ?? '';
    await step(() => model.callNext()); // the emergency
    model.advance(3);
    await step(() => model.act(first, 'start'));
    model.advance(9);
    await step(() => model.act(first, 'complete'));
    for (let i = 0; i < 4; i += 1) await step(() => model.callNext());
    model.advance(45); // the normal patients age into priority
    expect(await expectExact(model, hub.feeds, hub.ch)).toBe(true);
    expect(hub.received).toEqual(ids(0, model.events.length));
  });

  it('a dropped event is read from the log when the next one shows the gap', async () => {
    const model = makeQueueModel(department, DAY, new Date(`${DAY}T08:00:00Z`));
    const hub = await setUp(model);
    busyMorning(model);
    for (const e of model.events) if (e.eventId % 2 === 1) hub.deliver(e);
    hub.deliver(model.events[model.events.length - 1] as VisitEvent);
    expect(await expectExact(model, hub.feeds, hub.ch)).toBe(true);
    expect(hub.ch.view.get()?.lastEventId).toBe(model.events.length);
    expect(hub.received).toEqual(ids(0, model.events.length));
  });

  it('duplicates and reordered events change nothing twice', async () => {
    const model = makeQueueModel(department, DAY, new Date(`${DAY}T08:00:00Z`));
    const hub = await setUp(model);
    busyMorning(model);
    model.callNext();
    model.callNext();
    const [e1, e2, e3, e4, e5] = model.events as [
      VisitEvent,
      VisitEvent,
      VisitEvent,
      VisitEvent,
      VisitEvent,
    ];
    for (const e of [e1, e1, e3, e2, e2, e5, e4, e3]) {
      hub.deliver(e);
      await expectExact(model, hub.feeds, hub.ch);
    }
    for (const e of model.events.slice(5)) hub.deliver(e);
    expect(await expectExact(model, hub.feeds, hub.ch)).toBe(true);
    expect(hub.received).toEqual(ids(0, model.events.length));
  });

  it('events lost at the tail come back with the reconnect, and the view is read again', async () => {
    const model = makeQueueModel(department, DAY, new Date(`${DAY}T08:00:00Z`));
    const hub = await setUp(model);
    busyMorning(model);
    for (const e of model.events.slice(0, 2)) hub.deliver(e);
    model.callNext(); // never delivered
    hub.reconnect();
    expect(await expectExact(model, hub.feeds, hub.ch)).toBe(true);
    expect(hub.ch.view.get()?.lastEventId).toBe(model.events.length);
    expect(hub.received).toEqual(ids(0, model.events.length));
  });

  it('calls the bus brings late: the streak read ahead waits for its event, then the view is exact', async () => {
    const model = makeQueueModel(department, DAY, new Date(`${DAY}T08:00:00Z`));
    const hub = await setUp(model);
    busyMorning(model);
    // Priority, priority, then the burst rule — the streak moves with every call.
    for (let i = 0; i < 4; i += 1) model.callNext();
    let exactAt = 0;
    for (const e of model.events) {
      hub.deliver(e);
      if (await expectExact(model, hub.feeds, hub.ch)) exactAt += 1;
    }
    expect(exactAt).toBeGreaterThan(0);
    expect(await expectExact(model, hub.feeds, hub.ch)).toBe(true);
    expect(hub.ch.view.get()?.priorityStreak).toBe((await model.counter()).priorityStreak);
  });

  it('keeps the 20 most recent consultations, whatever their length', async () => {
    const model = makeQueueModel(department, DAY, new Date(`${DAY}T08:00:00Z`));
    const hub = await setUp(model);
    for (let i = 0; i < 25; i += 1) {
      const before = model.events.length;
      const v = model.checkIn('normal').visit;
      model.act(v.id, 'call');
      model.act(v.id, 'start');
      model.advance(i + 1); // each longer than the last: the window decides the median
      model.act(v.id, 'complete');
      for (const e of model.events.slice(before)) hub.deliver(e);
    }
    expect(await expectExact(model, hub.feeds, hub.ch)).toBe(true);
    expect(hub.ch.view.get()?.completed).toHaveLength(20);
  });

  it('random queues and random faults: exact views always equal the snapshot', async () => {
    const op = fc.oneof(
      {
        weight: 3,
        arbitrary: fc
          .constantFrom('normal', 'normal', 'priority', 'emergency')
          .map((p) => ({ kind: 'checkIn' as const, p })),
      },
      { weight: 2, arbitrary: fc.constant({ kind: 'callNext' as const }) },
      {
        weight: 5,
        arbitrary: fc.record({
          kind: fc.constant('act' as const),
          pick: fc.nat(),
          action: fc.constantFrom(
            'call',
            'recall',
            'start',
            'complete',
            'no_show',
            'return_to_queue',
            'requeue',
            'cancel',
            'transfer',
          ),
        }),
      },
      {
        weight: 1,
        arbitrary: fc
          .integer({ min: 1, max: 40 })
          .map((minutes) => ({ kind: 'wait' as const, minutes })),
      },
    );
    const stats = { exact: 0, inexact: 0, events: 0 };
    const delivery = fc.oneof(
      { weight: 6, arbitrary: fc.constant('deliver' as const) },
      { weight: 1, arbitrary: fc.constantFrom('drop', 'twice', 'hold', 'reconnect') },
    );
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(op, delivery), { minLength: 20, maxLength: 80 }),
        async (steps) => {
          const model = makeQueueModel(department, DAY, new Date(`${DAY}T08:00:00Z`));
          const hub = await setUp(model);
          const held: VisitEvent[] = [];
          for (const [o, how] of steps) {
            const before = model.events.length;
            if (o.kind === 'checkIn') model.checkIn(o.p);
            else if (o.kind === 'callNext') model.callNext();
            else if (o.kind === 'wait') model.advance(o.minutes);
            else {
              const all = [...model.visits.values()];
              const v = all[o.pick % Math.max(1, all.length)];
              if (v !== undefined) model.act(v.id, o.action);
            }
            for (const e of model.events.slice(before)) {
              if (how === 'deliver' || how === 'twice') hub.deliver(e);
              if (how === 'twice') hub.deliver(e);
              if (how === 'hold') held.push(e);
            }
            if (how === 'reconnect') hub.reconnect();
            if (how === 'deliver') for (const e of held.splice(0).reverse()) hub.deliver(e);
            if (await expectExact(model, hub.feeds, hub.ch)) stats.exact += 1;
            else stats.inexact += 1;
          }
          stats.events += model.events.length;
          hub.reconnect();
          expect(await expectExact(model, hub.feeds, hub.ch)).toBe(true);
          expect(hub.ch.view.get()?.lastEventId).toBe(model.events.length);
          expect(hub.received).toEqual(ids(hub.start, model.events.length));
          await hub.feeds.closeAll();
        },
      ),
      { numRuns: 60 },
    );
    // The faults must not have kept the view from being compared most of the time.
    expect(stats.exact).toBeGreaterThan(stats.events);
    expect(stats.inexact).toBeLessThan(stats.exact / 10);
  });
});
