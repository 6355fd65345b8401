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
  type Spawned,
} from '../support/process.js';

/**
 * SPEC invariant 8: a 2xx means committed. A server is killed with SIGKILL while kiosks
 * are checking in; every check-in it acknowledged must be in Postgres, and the tickets it
 * handed out stay gap-free (an interrupted transaction rolls back its number with it).
 */
let db: TestDatabase;
let server: Spawned | undefined;

beforeAll(async () => {
  db = await freshPostgres();
});

afterAll(async () => {
  server?.child.kill('SIGKILL');
  await db.drop();
});

describe('kill -9 loses nothing acknowledged', () => {
  it('every 201 survives a SIGKILL mid-load, and seqs stay 1..N', async () => {
    const env = {
      DATABASE_URL: db.url,
      JWT_SECRET: PROCESS_JWT_SECRET,
      LOG_LEVEL: 'warn',
      NODE_ENV: 'test',
    };
    const admin = runTs(
      'src/cli/admin-create.ts',
      ['--username', 'admin', '--password', STRONG_PASSWORD],
      env,
    );
    expect(await admin.exited).toBe(0);

    let base: string;
    ({ server, base } = await startServer(env));
    const token = await login(base, 'admin');
    const dep = await postJson(base, '/api/v1/admin/departments', token, {
      code: 'KILL',
      name: 'Kill test',
    });
    const departmentId = (dep.body.department as { id: string }).id;

    const acknowledged: string[] = [];
    let stop = false;
    const worker = async (w: number): Promise<void> => {
      for (let i = 0; !stop; i += 1) {
        try {
          const r = await postJson(
            base,
            '/api/v1/checkins',
            token,
            { departmentId },
            { 'idempotency-key': `w${w}-${i}` },
          );
          if (r.status === 201) acknowledged.push((r.body.visit as { id: string }).id);
        } catch {
          return; // connection refused/reset once the server is gone
        }
      }
    };
    const workers = Array.from({ length: 8 }, (_, w) => worker(w));
    while (acknowledged.length < 150) await new Promise((r) => setTimeout(r, 10));
    server.child.kill('SIGKILL');
    await server.exited;
    stop = true;
    await Promise.all(workers);

    const rows = await sql<{ id: string; seq: number }>`
      SELECT id, seq FROM visits WHERE department_id = ${departmentId} ORDER BY seq`.execute(
      db.handle.db,
    );
    const stored = new Set(rows.rows.map((r) => r.id));
    expect(acknowledged.filter((id) => !stored.has(id))).toEqual([]);
    expect(rows.rows.map((r) => r.seq)).toEqual(rows.rows.map((_, i) => i + 1));
  });
});
