import fs from 'node:fs';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshPostgres, type TestDatabase } from '../support/postgres.js';
import {
  startServer,
  login,
  postJson,
  PROCESS_JWT_SECRET,
  runTs,
  STRONG_PASSWORD,
  waitForReady,
  type Spawned,
} from '../support/process.js';

/**
 * WEB_CONCURRENCY (ADR 10): with Postgres and Redis, `npm start` runs that many worker
 * processes behind one port, as one service; without Redis it says so and runs one.
 */
const redisUrl = process.env.TEST_REDIS_URL ?? process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
let db: TestDatabase;
const servers: Spawned[] = [];

beforeAll(async () => {
  db = await freshPostgres();
  const admin = runTs(
    'src/cli/admin-create.ts',
    ['--username', 'admin', '--password', STRONG_PASSWORD],
    baseEnv(),
  );
  expect(await admin.exited).toBe(0);
});

afterAll(async () => {
  for (const s of servers) s.child.kill('SIGKILL');
  await db.drop();
});

function baseEnv(): NodeJS.ProcessEnv {
  return {
    DATABASE_URL: db.url,
    JWT_SECRET: PROCESS_JWT_SECRET,
    LOG_LEVEL: 'info',
    NODE_ENV: 'test',
  };
}

/** The live child processes of `pid` (Linux). */
const childrenOf = (pid: number): number[] => {
  try {
    return fs
      .readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8')
      .trim()
      .split(/\s+/)
      .filter((s) => s !== '')
      .map(Number);
  } catch {
    return [];
  }
};

const until = async <T>(read: () => T, ok: (v: T) => boolean, ms = 20_000): Promise<T> => {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = read();
    if (ok(v) || Date.now() > deadline) return v;
    await new Promise((r) => setTimeout(r, 100));
  }
};

const start = async (env: NodeJS.ProcessEnv): Promise<{ server: Spawned; base: string }> => {
  const started = await startServer({ ...baseEnv(), ...env });
  servers.push(started.server);
  return started;
};

describe('WEB_CONCURRENCY', () => {
  it('=2 with Redis: two workers serve as one (gap-free tickets), a killed worker is replaced, SIGTERM stops all', async () => {
    const { server, base } = await start({
      WEB_CONCURRENCY: '2',
      REDIS_URL: redisUrl,
      DB_POOL_SIZE: '2',
    });
    const pid = server.child.pid as number;
    const workers = await until(
      () => childrenOf(pid),
      (c) => c.length === 2,
    );
    expect(workers).toHaveLength(2);

    const token = await login(base, 'admin');
    const dep = await postJson(base, '/api/v1/admin/departments', token, {
      code: 'CLU',
      name: 'Cluster',
    });
    const departmentId = (dep.body.department as { id: string }).id;
    const results = await Promise.all(
      Array.from({ length: 120 }, (_, i) =>
        postJson(
          base,
          '/api/v1/checkins',
          token,
          { departmentId },
          { 'idempotency-key': `c-${i}` },
        ),
      ),
    );
    expect(results.filter((r) => r.status !== 201)).toEqual([]);
    const { rows } = await sql<{ seq: number }>`
      SELECT seq FROM visits WHERE department_id = ${departmentId} ORDER BY seq`.execute(
      db.handle.db,
    );
    expect(rows.map((r) => r.seq)).toEqual(rows.map((_, i) => i + 1));
    expect(rows).toHaveLength(120);
    // Both processes served: more open connections than one pool of 2 can hold.
    const pools = await sql<{ n: number }>`
      SELECT count(*)::int AS n FROM pg_stat_activity
      WHERE datname = ${db.name} AND application_name = 'mediqueue'`.execute(db.handle.db);
    expect(pools.rows[0]?.n).toBeGreaterThan(2);

    process.kill(workers[0] as number, 'SIGKILL');
    const replaced = await until(
      () => childrenOf(pid),
      (c) => c.length === 2 && !c.includes(workers[0] as number),
    );
    expect(replaced).toHaveLength(2);
    expect(server.output()).toContain('server worker exited; replacing it');
    await waitForReady(base, server);

    server.child.kill('SIGTERM');
    expect(await server.exited).toBe(0);
    expect(replaced.filter((w) => fs.existsSync(`/proc/${w}`))).toEqual([]);
  }, 90_000);

  it('=2: kill -9 of a worker under load loses nothing acknowledged, seqs stay 1..N', async () => {
    const { server, base } = await start({ WEB_CONCURRENCY: '2', REDIS_URL: redisUrl });
    const pid = server.child.pid as number;
    const workers = await until(
      () => childrenOf(pid),
      (c) => c.length === 2,
    );
    const token = await login(base, 'admin');
    const dep = await postJson(base, '/api/v1/admin/departments', token, {
      code: 'CLK',
      name: 'Cluster kill',
    });
    const departmentId = (dep.body.department as { id: string }).id;
    const acknowledged: string[] = [];
    let stop = false;
    const client = async (c: number): Promise<void> => {
      for (let i = 0; !stop; i += 1) {
        const r = await postJson(
          base,
          '/api/v1/checkins',
          token,
          { departmentId },
          { 'idempotency-key': `k${c}-${i}` },
        ).catch(() => null); // the killed worker's connections are reset
        if (r?.status === 201) acknowledged.push((r.body.visit as { id: string }).id);
      }
    };
    const clients = Array.from({ length: 16 }, (_, c) => client(c));
    // Bounded waits: a service that stops acknowledging fails here instead of hanging.
    const reach = (n: number) =>
      until(
        () => acknowledged.length,
        (v) => v >= n,
        30_000,
      );
    try {
      expect(await reach(150)).toBeGreaterThanOrEqual(150);
      process.kill(workers[0] as number, 'SIGKILL');
      const after = acknowledged.length;
      expect(await reach(after + 150)).toBeGreaterThanOrEqual(after + 150);
    } finally {
      stop = true;
      await Promise.all(clients);
    }

    const { rows } = await sql<{ id: string; seq: number }>`
      SELECT id, seq FROM visits WHERE department_id = ${departmentId} ORDER BY seq`.execute(
      db.handle.db,
    );
    const stored = new Set(rows.map((r) => r.id));
    expect(acknowledged.filter((id) => !stored.has(id))).toEqual([]);
    expect(rows.map((r) => r.seq)).toEqual(rows.map((_, i) => i + 1));
    server.child.kill('SIGTERM');
    expect(await server.exited).toBe(0);
  }, 90_000);

  it('=2 without Redis: says it is ignored and serves from one process', async () => {
    const { server } = await start({ WEB_CONCURRENCY: '2' });
    expect(server.output()).toContain('WEB_CONCURRENCY=2 ignored');
    expect(childrenOf(server.child.pid as number)).toEqual([]);
    server.child.kill('SIGTERM');
    expect(await server.exited).toBe(0);
  }, 60_000);
});
