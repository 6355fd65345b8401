import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import type { EventBus, EventPublisher, StreamTicketStore } from '../../src/application/ports.js';
import type { Actor } from '../../src/domain/actor.js';
import type { VisitEvent } from '../../src/domain/events.js';
import { makeVisit } from '../../src/domain/test-factories.js';
import { makeInProcessBus } from '../../src/infrastructure/events/in-process-bus.js';
import { systemClock } from '../../src/infrastructure/time/system-clock.js';
import { makeMemoryStreamTickets } from '../../src/infrastructure/events/memory-stream-tickets.js';
import { makeRedisBus } from '../../src/infrastructure/redis/redis-bus.js';
import { makeRedisIdempotencyGuard } from '../../src/infrastructure/redis/redis-idempotency.js';
import { makeRedisStreamTickets } from '../../src/infrastructure/redis/redis-stream-tickets.js';

/**
 * The coordination ports have a Redis implementation (many instances) and an in-process
 * twin (embedded mode); both must pass the same contract.
 */
const redisUrl = process.env.TEST_REDIS_URL ?? process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const connections: Redis[] = [];
const redis = (): Redis => {
  const r = new Redis(redisUrl);
  connections.push(r);
  return r;
};

afterAll(() => {
  for (const c of connections) c.disconnect();
});

const event = (departmentId: string, eventId: number): VisitEvent => ({
  departmentId,
  eventId,
  type: 'visit.checked_in',
  visit: makeVisit({ departmentId, id: randomUUID(), patient: { displayName: 'A', phone: null } }),
  serviceDay: '2026-11-23',
  occurredAt: new Date('2026-11-23T09:00:00.000Z'),
});

const until = async (check: () => boolean, timeoutMs = 3_000): Promise<void> => {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 10));
  }
};

const busContract = (name: string, make: () => EventPublisher & EventBus) =>
  describe(`EventBus contract: ${name}`, () => {
    it('delivers a published event, intact, to the subscribers of its department only', async () => {
      const bus = make();
      const [a, b] = [randomUUID(), randomUUID()];
      const gotA: VisitEvent[] = [];
      const gotB: VisitEvent[] = [];
      const offA = await bus.subscribe(a, (e) => gotA.push(e));
      const offB = await bus.subscribe(b, (e) => gotB.push(e));
      const sent = event(a, 1);
      bus.publish([sent]);
      await until(() => gotA.length === 1);
      expect(gotA[0]).toEqual(sent);
      expect(gotA[0]?.occurredAt).toBeInstanceOf(Date);
      expect(gotB).toEqual([]);
      await offA();
      await offB();
    });

    it('fans out to every subscriber, and stops after unsubscribe', async () => {
      const bus = make();
      const dep = randomUUID();
      const one: number[] = [];
      const two: number[] = [];
      const off1 = await bus.subscribe(dep, (e) => one.push(e.eventId));
      const off2 = await bus.subscribe(dep, (e) => two.push(e.eventId));
      bus.publish([event(dep, 1), event(dep, 2)]);
      await until(() => one.length === 2 && two.length === 2);
      await off1();
      bus.publish([event(dep, 3)]);
      // The bound: one message reaches all of a department's subscribers together, so once
      // the one still subscribed has it, the one that left would have had it too.
      await until(() => two.length === 3);
      expect(one).toEqual([1, 2]);
      expect(two).toEqual([1, 2, 3]);
      await off2();
    });
  });

busContract('in-process', () => makeInProcessBus());
busContract('redis', () => makeRedisBus({ publisher: redis(), subscriber: redis() }));

describe('EventBus (Redis): a SUBSCRIBE that fails', () => {
  it('is not remembered: the next subscriber of the department subscribes and hears events', async () => {
    const subscriber = redis();
    const bus = makeRedisBus({ publisher: redis(), subscriber });
    const real = subscriber.subscribe.bind(subscriber);
    let failNext = true;
    // A Redis blip on the department's SUBSCRIBE, once (the bus's own control channel
    // subscription was already sent when it was made).
    subscriber.subscribe = ((...args: Parameters<typeof real>) => {
      if (failNext) {
        failNext = false;
        return Promise.reject(new Error('connection reset'));
      }
      return real(...args);
    }) as typeof subscriber.subscribe;
    const dep = randomUUID();
    await expect(bus.subscribe(dep, () => {})).rejects.toThrow('connection reset');

    const got: VisitEvent[] = [];
    await bus.subscribe(dep, (e) => got.push(e));
    bus.publish([event(dep, 1)]);
    await until(() => got.length === 1, 10_000);
    expect(got[0]?.eventId).toBe(1);
  });
});

const ticketContract = (name: string, make: () => StreamTicketStore) =>
  describe(`StreamTicketStore contract: ${name}`, () => {
    const actor: Actor = {
      type: 'staff',
      id: randomUUID(),
      role: 'doctor',
      departmentIds: [randomUUID()],
      // The login it came from: a revoked session must be able to refuse the ticket.
      sessionId: randomUUID(),
    };

    it('a ticket is taken once, with the actor it was issued for', async () => {
      const store = make();
      const ticket = randomUUID();
      await store.put(ticket, actor, 30);
      expect(await store.take(ticket)).toEqual(actor);
      expect(await store.take(ticket)).toBeNull();
      expect(await store.take(randomUUID())).toBeNull();
    });

    it('a ticket expires', async () => {
      const store = make();
      const ticket = randomUUID();
      await store.put(ticket, actor, 1);
      await new Promise((r) => setTimeout(r, 1_100));
      expect(await store.take(ticket)).toBeNull();
    });
  });

ticketContract('in-process', () => makeMemoryStreamTickets(systemClock));
ticketContract('redis', () => makeRedisStreamTickets(redis()));

describe('IdempotencyGuard (Redis)', () => {
  const claim = () => ({ credential: `kiosk:${randomUUID()}`, key: 'k', fingerprint: 'f1' });

  it('claims once; a twin sees it in progress; the finished answer is replayed', async () => {
    const guard = makeRedisIdempotencyGuard(redis());
    const c = claim();
    const first = await guard.claim(c);
    expect(first.kind).toBe('claimed');
    expect((await guard.claim(c)).kind).toBe('in_progress');
    const visit = makeVisit({ id: randomUUID() });
    if (first.kind === 'claimed') await guard.complete(c, first.owner, visit);
    const again = await guard.claim(c);
    expect(again).toMatchObject({
      kind: 'completed',
      fingerprint: 'f1',
      visit: { id: visit.id, ticket: visit.ticket },
    });
  });

  it('an expired lease cannot be completed by its old owner over a new claim', async () => {
    const r = redis();
    const guard = makeRedisIdempotencyGuard(r);
    const c = claim();
    const first = await guard.claim(c);
    await r.del(`mq:idem:${c.credential}:${c.key}`); // the lease lapsed
    const second = await guard.claim(c);
    expect(second.kind).toBe('claimed');
    if (first.kind === 'claimed') await guard.complete(c, first.owner, makeVisit());
    expect((await guard.claim(c)).kind).toBe('in_progress'); // still the second claim's
    if (first.kind === 'claimed') await guard.release(c, first.owner);
    expect((await guard.claim(c)).kind).toBe('in_progress');
  });

  it('fails open when Redis is unreachable: the request goes on and Postgres decides', async () => {
    const dead = new Redis('redis://127.0.0.1:1', {
      lazyConnect: true,
      maxRetriesPerRequest: 0,
      enableOfflineQueue: false,
    });
    connections.push(dead);
    const guard = makeRedisIdempotencyGuard(dead);
    expect(await guard.claim(claim())).toEqual({ kind: 'claimed', owner: '' });
  });
});
