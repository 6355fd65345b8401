import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshPostgres, type TestDatabase } from '../support/postgres.js';
import {
  startServer,
  login,
  postJson,
  PROCESS_JWT_SECRET,
  runTs,
  STRONG_PASSWORD,
  type Spawned,
} from '../support/process.js';
import { connectSse, eventFrames, type SseConnection } from '../support/sse-client.js';

/**
 * Two real server processes on one Postgres and one Redis: they behave as one service.
 * Live events cross instances, survive a killed Redis subscription, and idempotency
 * survives Redis losing every key.
 */
// A Redis database of this file's own (1–15, not the shared 0): the FLUSHDB below must not
// wipe what other suites running at the same time keep there.
const redisUrl = (() => {
  const url = new URL(
    process.env.TEST_REDIS_URL ?? process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
  );
  url.pathname = `/${1 + Math.floor(Math.random() * 15)}`;
  return url.toString();
})();
let db: TestDatabase;
const servers: Spawned[] = [];
let A = '';
let B = '';
let token = '';
let redis: Redis;

const startInstance = async (): Promise<string> => {
  const { server, base } = await startServer({
    DATABASE_URL: db.url,
    REDIS_URL: redisUrl,
    JWT_SECRET: PROCESS_JWT_SECRET,
    LOG_LEVEL: 'warn',
    NODE_ENV: 'test',
  });
  servers.push(server);
  return base;
};

beforeAll(async () => {
  db = await freshPostgres();
  redis = new Redis(redisUrl);
  const admin = runTs(
    'src/cli/admin-create.ts',
    ['--username', 'admin', '--password', STRONG_PASSWORD],
    {
      DATABASE_URL: db.url,
      NODE_ENV: 'test',
    },
  );
  expect(await admin.exited, admin.output()).toBe(0);
  [A, B] = await Promise.all([startInstance(), startInstance()]);
  token = await login(A, 'admin');
}, 120_000);

afterAll(async () => {
  for (const s of servers) s.child.kill('SIGKILL');
  redis.disconnect();
  await db.drop();
});

const department = async (code: string): Promise<string> => {
  const res = await postJson(A, '/api/v1/admin/departments', token, { code, name: code });
  expect(res.status).toBe(201);
  return (res.body.department as { id: string }).id;
};

let keys = 0;
const checkIn = (base: string, departmentId: string) =>
  postJson(
    base,
    '/api/v1/checkins',
    token,
    { departmentId },
    { 'idempotency-key': `mi-${(keys += 1)}` },
  );

const ids = (sse: SseConnection): number[] => eventFrames(sse.frames).map((f) => Number(f.id));

describe('two instances, one service', () => {
  it('a check-in on A reaches a department stream held on B, with id = previous + 1', async () => {
    const dep = await department('XA');
    await checkIn(A, dep);
    const onB = await connectSse(`${B}/api/v1/departments/${dep}/events`, {
      authorization: `Bearer ${token}`,
    });
    await onB.until((f) => f.length >= 1);
    expect(onB.frames[0]).toMatchObject({ event: 'snapshot', id: '1' });
    await checkIn(A, dep);
    await onB.until((f) => eventFrames(f).length >= 1);
    expect(eventFrames(onB.frames)[0]).toMatchObject({ id: '2', event: 'visit.checked_in' });
    onB.close();
  });

  it('with the Redis subscriber connections killed mid-stream, every stream still gets every event once, in order', async () => {
    const dep = await department('XK');
    const auth = { authorization: `Bearer ${token}` };
    const streams = await Promise.all(
      [A, B, A, B].map((base) => connectSse(`${base}/api/v1/departments/${dep}/events`, auth)),
    );
    await Promise.all(streams.map((s) => s.until((f) => f.length >= 1)));
    const total = 40;
    for (let i = 0; i < total; i += 1) {
      if (i === 10 || i === 25) await redis.client('KILL', 'TYPE', 'pubsub');
      const res = await checkIn(i % 2 === 0 ? A : B, dep);
      expect(res.status).toBe(201);
    }
    await Promise.all(streams.map((s) => s.until(() => ids(s).length >= total, 15_000)));
    // And no duplicates trail behind. One more event is the bound: a stream gets events in
    // order, so a repeat of an earlier one would have to come before it.
    expect((await checkIn(A, dep)).status).toBe(201);
    await Promise.all(streams.map((s) => s.until(() => ids(s).includes(total + 1), 15_000)));
    const expected = Array.from({ length: total + 1 }, (_, i) => i + 1);
    for (const s of streams) {
      expect(ids(s)).toEqual(expected);
      s.close();
    }
  });

  it('FLUSHDB between a check-in and its retry on the other instance returns the same visit', async () => {
    const dep = await department('XF');
    const body = { departmentId: dep };
    const first = await postJson(A, '/api/v1/checkins', token, body, {
      'idempotency-key': 'flush-me',
    });
    expect(first.status).toBe(201);
    await redis.flushdb();
    const retry = await postJson(B, '/api/v1/checkins', token, body, {
      'idempotency-key': 'flush-me',
    });
    expect(retry.status).toBe(201);
    expect((retry.body.visit as { id: string }).id).toBe((first.body.visit as { id: string }).id);
    const again = await postJson(A, '/api/v1/checkins', token, body, {
      'idempotency-key': 'flush-me',
    });
    expect((again.body.visit as { id: string }).id).toBe((first.body.visit as { id: string }).id);
  });

  it('SIGTERM with open streams: the streams end and the process exits 0 within 10 s', async () => {
    const dep = await department('XT');
    const base = await startInstance();
    const server = servers[servers.length - 1] as Spawned;
    const streams = await Promise.all(
      [1, 2, 3].map(() =>
        connectSse(`${base}/api/v1/departments/${dep}/events`, {
          authorization: `Bearer ${token}`,
        }),
      ),
    );
    await Promise.all(streams.map((s) => s.until((f) => f.length >= 1)));
    const started = Date.now();
    server.child.kill('SIGTERM');
    const code = await server.exited;
    await Promise.all(streams.map((s) => s.ended));
    expect(code).toBe(0);
    expect(Date.now() - started).toBeLessThan(10_000);
  });
});
