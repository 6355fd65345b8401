import { randomBytes, randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serviceDayOf } from '../../src/domain/ticket.js';
import { freshPostgres, withAdminClient, type TestDatabase } from '../support/postgres.js';
import { startServer, PROCESS_JWT_SECRET, type Spawned } from '../support/process.js';

/**
 * Real server processes as deployed (issue 10): started with the owner's URL for migrations
 * and an application role for everything else, they create that role, run the scheduled
 * jobs from their own timer (the first tick at start), and stop it on SIGTERM. A second
 * instance starting on the same database finds the periods already done.
 *
 * The left-over data is dated long before now by any clock in play: the moved-clock pass
 * moves this process's clock by ±400 days, not the spawned servers'.
 */
const redisUrl = process.env.TEST_REDIS_URL ?? process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const role = `mediqueue_test_proc_${randomBytes(4).toString('hex')}`;
const METRICS_TOKEN = 'process-metrics-token-0123456789';
const DAY_MS = 86_400_000;
let db: TestDatabase;
let appUrl: string;
const servers: Spawned[] = [];
const leftOver = randomUUID();

const start = async (): Promise<{ base: string; server: Spawned }> => {
  const started = await startServer({
    DATABASE_URL: appUrl,
    DATABASE_MIGRATION_URL: db.url,
    REDIS_URL: redisUrl,
    JWT_SECRET: PROCESS_JWT_SECRET,
    METRICS_TOKEN,
    LOG_LEVEL: 'warn',
    NODE_ENV: 'test',
  });
  servers.push(started.server);
  return started;
};

/** Waits (bounded) until `check` holds; the assertion is on the state, not on the time. */
const eventually = async (check: () => Promise<boolean>, what: string): Promise<void> => {
  const deadline = Date.now() + 15_000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
};

const jobMetric = async (base: string, job: string, outcome: string): Promise<number> => {
  const res = await fetch(`${base}/metrics`, {
    headers: { authorization: `Bearer ${METRICS_TOKEN}` },
  });
  const line = (await res.text())
    .split('\n')
    .find((l) => l.startsWith(`mediqueue_job_runs_total{task="${job}",outcome="${outcome}"}`));
  return line === undefined ? 0 : Number(line.split(' ').pop());
};

beforeAll(async () => {
  db = await freshPostgres();
  const u = new URL(db.url);
  u.username = role;
  u.password = 'process-app-password';
  appUrl = u.toString();

  // A visit left waiting long ago, and an idempotency record as old.
  const then = new Date(Date.now() - 1000 * DAY_MS);
  const day = serviceDayOf(then, 'UTC');
  const dep = randomUUID();
  await sql`
    INSERT INTO departments (id, code, name) VALUES (${dep}, 'PROC', 'Process');
    `.execute(db.handle.db);
  await sql`INSERT INTO department_counters (department_id, service_day, last_seq, last_event_id)
    VALUES (${dep}, ${day}, 1, 1)`.execute(db.handle.db);
  await sql`INSERT INTO visits (id, department_id, service_day, seq, ticket, public_token, priority,
      state, version, checked_in_at, queued_at)
    VALUES (${leftOver}, ${dep}, ${day}, 1, 'PROC-001', ${randomBytes(18).toString('base64url')},
      'normal', 'WAITING', 1, ${then}, ${then})`.execute(db.handle.db);
  await sql`INSERT INTO visit_events (department_id, event_id, type, visit_id, visit, service_day, occurred_at)
    SELECT department_id, 1, 'visit.checked_in', id, to_jsonb(visits), service_day, ${then}
    FROM visits WHERE id = ${leftOver}`.execute(db.handle.db);
  await sql`INSERT INTO idempotency_keys (credential, key, fingerprint, visit_id, response_status, created_at)
    VALUES ('kiosk:x', 'old-key', 'f', ${leftOver}, 201, ${then})`.execute(db.handle.db);
}, 60_000);

afterAll(async () => {
  for (const s of servers) s.child.kill('SIGKILL');
  await Promise.all(servers.map((s) => s.exited));
  await db?.drop();
  await withAdminClient((c) => c.query(`DROP ROLE IF EXISTS ${role}`));
});

const count = async (query: ReturnType<typeof sql<{ n: number }>>): Promise<number> =>
  Number((await query.execute(db.handle.db)).rows[0]?.n);

describe('servers on an application role, with their own job timers', () => {
  it('connect as the role, close out and prune at start, once across two instances, and stop on SIGTERM', async () => {
    const first = await start();
    await eventually(
      async () =>
        (await count(sql`SELECT count(*)::int AS n FROM audit_events
          WHERE action = 'job.run' AND entity_id = 'pruning'`)) === 1,
      'the first instance’s jobs',
    );
    const users = await sql<{ usename: string }>`
      SELECT DISTINCT usename FROM pg_stat_activity
      WHERE datname = ${db.name} AND application_name = 'mediqueue' AND pid <> pg_backend_pid()`.execute(
      db.handle.db,
    );
    expect(users.rows.map((r) => r.usename)).toContain(role);

    const visit = await sql<{ state: string; cancel_reason: string }>`
      SELECT state, cancel_reason FROM visits WHERE id = ${leftOver}`.execute(db.handle.db);
    expect(visit.rows[0]).toEqual({ state: 'CANCELLED', cancel_reason: 'day_closed' });
    expect(
      await count(sql`SELECT count(*)::int AS n FROM idempotency_keys WHERE key = 'old-key'`),
    ).toBe(0);

    const second = await start();
    const settled = async (base: string, job: string) =>
      (await jobMetric(base, job, 'already_ran')) + (await jobMetric(base, job, 'ran'));
    await eventually(
      async () => (await settled(second.base, 'pruning')) >= 1,
      'the second instance’s first tick',
    );
    // Each (job, period) ran once, on one of the two (a period may have turned between the
    // two starts: then the second instance ran the new one).
    const runs = await sql<{ job: string; period: string; n: number }>`
      SELECT entity_id AS job, after->>'period' AS period, count(*)::int AS n FROM audit_events
      WHERE action = 'job.run' GROUP BY 1, 2 ORDER BY 1, 2`.execute(db.handle.db);
    expect(runs.rows.every((r) => r.n === 1)).toBe(true);
    for (const job of ['close-out', 'retention', 'pruning']) {
      expect(await settled(second.base, job)).toBeGreaterThanOrEqual(1);
      const ran =
        (await jobMetric(first.base, job, 'ran')) + (await jobMetric(second.base, job, 'ran'));
      expect(ran, job).toBe(runs.rows.filter((r) => r.job === job).length);
    }

    for (const { server } of [first, second]) server.child.kill('SIGTERM');
    expect(await Promise.all([first.server.exited, second.server.exited])).toEqual([0, 0]);
  });
});
