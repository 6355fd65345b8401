import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import type { ControlBus, ControlMessage, ControlPublisher } from '../../src/application/ports.js';
import { makeInProcessBus } from '../../src/infrastructure/events/in-process-bus.js';
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

const until = async (check: () => boolean, timeoutMs = 3_000): Promise<void> => {
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

const contract = (name: string, make: () => ControlPublisher & ControlBus) =>
  describe(`control bus contract: ${name}`, () => {
    it('delivers each message to the announcing instance at once, intact, exactly once', async () => {
      const bus = make();
      const got: ControlMessage[] = [];
      const sent = messages();
      // Other test files share this Redis: only this test's messages count.
      bus.onControl((m) => ours(sent, m) && got.push(m));
      for (const m of sent) bus.announce(m);
      expect(got).toEqual(sent); // synchronously
      await new Promise((r) => setTimeout(r, 150)); // its own echo is not delivered again
      expect(got).toEqual(sent);
    });
  });

contract('in-process', makeInProcessBus);
contract('Redis', () => makeRedisBus({ publisher: redis(), subscriber: redis() }));

describe('control bus across instances (Redis)', () => {
  it('every other instance gets it once; a malformed or foreign message is dropped', async () => {
    const [a, b, c] = [0, 1, 2].map(() =>
      makeRedisBus({ publisher: redis(), subscriber: redis() }),
    );
    if (a === undefined || b === undefined || c === undefined) throw new Error('no buses');
    const onB: ControlMessage[] = [];
    const onC: ControlMessage[] = [];
    const sent = messages();
    b.onControl((m) => ours(sent, m) && onB.push(m));
    c.onControl((m) => ours(sent, m) && onC.push(m));
    await new Promise((r) => setTimeout(r, 200)); // the subscriptions are up
    const noise = redis();
    await noise.publish(
      redisKeys.controlChannel,
      '{"origin":"x","message":{"kind":"drop_tables"}}',
    );
    await noise.publish(redisKeys.controlChannel, 'not json');
    for (const m of sent) a.announce(m);
    await until(() => onB.length >= sent.length && onC.length >= sent.length);
    await new Promise((r) => setTimeout(r, 100));
    expect(onB).toEqual(sent);
    expect(onC).toEqual(sent);
  });
});
