import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import type { ControlBus, ControlMessage, ControlPublisher } from '../../src/application/ports.js';
import { makeInProcessBus } from '../../src/infrastructure/events/in-process-bus.js';
import { encodeControl } from '../../src/infrastructure/redis/control-message.js';
import { redisKeys } from '../../src/infrastructure/redis/keys.js';
import { makeRedisBus } from '../../src/infrastructure/redis/redis-bus.js';

/**
 * Control messages (ADR 11): revocations and department changes reach this instance at
 * once — before the request that made them is answered — and every other instance once.
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

const until = async (check: () => boolean, timeoutMs = 15_000): Promise<void> => {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 10));
  }
};

const messages = (): ControlMessage[] => [
  { kind: 'session_revoked', sessionId: randomUUID() },
  { kind: 'user_sessions_revoked', userId: randomUUID(), exceptSessionId: null },
  {
    kind: 'user_changed',
    userId: randomUUID(),
    active: true,
    role: 'doctor',
    departmentIds: [randomUUID()],
    sessionsRevoked: false,
  },
  { kind: 'device_changed', deviceId: randomUUID(), active: false, departmentIds: [] },
  { kind: 'department_changed', departmentId: randomUUID() },
];

const ours = (sent: ControlMessage[], m: ControlMessage): boolean =>
  sent.some((s) => JSON.stringify(s) === JSON.stringify(m));

const another = (): ControlMessage => ({ kind: 'department_changed', departmentId: randomUUID() });

/** A message from another instance, straight onto the channel through `redis`. */
const sendFromElsewhere = async (redis: Redis, m: ControlMessage): Promise<void> => {
  await redis.publish(redisKeys.controlChannel, encodeControl('another-instance', m));
};

/** Sends probes until `bus` hears one: its subscription is up (subscribing says nothing). */
const untilListening = async (bus: ControlBus, send: (m: ControlMessage) => Promise<void>) => {
  const probe = another();
  let heard = false;
  bus.onControl((m) => {
    heard ||= ours([probe], m);
  });
  const deadline = Date.now() + 15_000; // a deadline, not a wait: a slow machine gets there
  while (!heard) {
    if (Date.now() > deadline) throw new Error('the control subscription never came up');
    await send(probe);
    await new Promise((r) => setTimeout(r, 10));
  }
};

/**
 * The bus, and a way to send it another instance's message along the path its own echoes
 * take, after all it announced: once that arrives, an echo would have arrived before it.
 */
interface BusUnderTest {
  readonly bus: ControlPublisher & ControlBus;
  readonly afterOwnMessages: (m: ControlMessage) => Promise<void>;
}

const contract = (name: string, make: () => Promise<BusUnderTest>) =>
  describe(`control bus contract: ${name}`, () => {
    it('delivers each message to the announcing instance at once, intact, exactly once', async () => {
      const { bus, afterOwnMessages } = await make();
      const got: ControlMessage[] = [];
      const sent = messages();
      const later = another();
      // Other test files share this Redis: only this test's messages count.
      bus.onControl((m) => ours([...sent, later], m) && got.push(m));
      for (const m of sent) bus.announce(m);
      expect(got).toEqual(sent); // synchronously
      // Its own echo is not delivered again: `later` is the bound.
      await afterOwnMessages(later);
      await until(() => got.length > sent.length);
      expect(got).toEqual([...sent, later]);
    });
  });

// In process there is no echo to wait for: the later message is simply the next one.
contract('in-process', async () => {
  const bus = makeInProcessBus();
  return { bus, afterOwnMessages: async (m) => bus.announce(m) };
});
// On Redis it is published on the connection the bus publishes on, so it follows the echoes.
contract('Redis', async () => {
  const publisher = redis();
  const bus = makeRedisBus({ publisher, subscriber: redis() });
  await untilListening(bus, (m) => sendFromElsewhere(publisher, m));
  return { bus, afterOwnMessages: (m) => sendFromElsewhere(publisher, m) };
});

describe('control bus across instances (Redis)', () => {
  it('every other instance gets it once; a malformed or foreign message is dropped', async () => {
    const [a, b, c] = [0, 1, 2].map(() =>
      makeRedisBus({ publisher: redis(), subscriber: redis() }),
    );
    if (a === undefined || b === undefined || c === undefined) throw new Error('no buses');
    const onB: ControlMessage[] = [];
    const onC: ControlMessage[] = [];
    const sent = messages();
    const later = another();
    // Everything B and C are handed, unfiltered: what other suites on this Redis announce
    // is of a known kind; a foreign or malformed message must never get through.
    const handed: unknown[] = [];
    b.onControl((m) => handed.push(m) && ours([...sent, later], m) && onB.push(m));
    c.onControl((m) => handed.push(m) && ours([...sent, later], m) && onC.push(m));
    const noise = redis();
    for (const bus of [b, c]) await untilListening(bus, (m) => sendFromElsewhere(noise, m));
    await noise.publish(
      redisKeys.controlChannel,
      '{"origin":"x","message":{"kind":"drop_tables"}}',
    );
    await noise.publish(redisKeys.controlChannel, 'not json');
    for (const m of sent) a.announce(m);
    // Nothing trails behind: a later message from A, on the same connection, is the bound.
    a.announce(later);
    await until(() => ours(onB, later) && ours(onC, later));
    expect(onB).toEqual([...sent, later]);
    expect(onC).toEqual([...sent, later]);
    const known = new Set([
      'session_revoked',
      'user_sessions_revoked',
      'user_changed',
      'device_changed',
      'department_changed',
    ]);
    expect(handed.filter((m) => !known.has((m as { kind?: string }).kind ?? ''))).toEqual([]);
  });
});
