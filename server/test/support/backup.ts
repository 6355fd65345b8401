import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import { sql, type Kysely } from 'kysely';
import pg from 'pg';
import { expect, inject } from 'vitest';
import {
  bearer,
  checkIn,
  createDepartment,
  createKiosk,
  TEST_PASSWORD,
  type TestApp,
  type VisitBody,
} from './app.js';
import { openPostgres } from '../../src/infrastructure/postgres/pg-database.js';
import { assertTestDatabase, urlFor, withAdminClient } from './postgres.js';
import { runTs } from './process.js';

/** Helpers for the backup and restore tests (issue 10, item 2). */

export const BACKUP_KEY = 'backup-test-key-0123456789abcdefghijklmnop';

/** Every table this service writes to; a round trip must bring each back with rows in it. */
export const seededTables = [
  'audit_events',
  'department_counters',
  'departments',
  'device_departments',
  'devices',
  'idempotency_keys',
  'job_runs',
  'kysely_migration',
  'rooms',
  'sessions',
  'user_departments',
  'users',
  'visit_events',
  'visits',
];

export interface Fingerprint {
  /** table → row count and an md5 over its rows (as text), in text order. */
  readonly tables: Record<string, { rows: number; md5: string }>;
  readonly sequences: Record<string, string | null>;
  readonly triggers: string[];
}

/** What a restore must reproduce: every table's rows, the sequences, the triggers. */
export const fingerprint = async <DB>(db: Kysely<DB>): Promise<Fingerprint> => {
  const { rows: tables } = await sql<{ name: string }>`
    SELECT table_name AS name FROM information_schema.tables
    WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY 1`.execute(db);
  const result: Record<string, { rows: number; md5: string }> = {};
  for (const { name } of tables) {
    const { rows } = await sql<{ rows: number; md5: string }>`
      SELECT count(*)::int AS rows,
             coalesce(md5(string_agg(r::text, E'\n' ORDER BY r::text)), '') AS md5
      FROM ${sql.table(name)} AS r`.execute(db);
    result[name] = { rows: Number(rows[0]?.rows), md5: rows[0]?.md5 ?? '' };
  }
  const { rows: sequences } = await sql<{ name: string; last: string | null }>`
    SELECT sequencename AS name, last_value::text AS last FROM pg_sequences
    WHERE schemaname = 'public' ORDER BY 1`.execute(db);
  const { rows: triggers } = await sql<{ name: string }>`
    SELECT tgrelid::regclass::text || '.' || tgname AS name FROM pg_trigger
    WHERE NOT tgisinternal ORDER BY 1`.execute(db);
  return {
    tables: result,
    sequences: Object.fromEntries(sequences.map((s) => [s.name, s.last])),
    triggers: triggers.map((t) => t.name),
  };
};

/** `fingerprint` over a connection of its own (the owner's, who can read every table). */
export const fingerprintAt = async (url: string): Promise<Fingerprint> => {
  const handle = openPostgres({ connectionString: url, poolSize: 1 });
  try {
    return await fingerprint(handle.db);
  } finally {
    await handle.close();
  }
};

/** Relations outside Postgres's own schemas: 0 for a database nothing was written to. */
export const relationCount = async (url: string): Promise<number> => {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname !~ '^pg_'`,
    );
    return rows[0]?.n ?? -1;
  } finally {
    await client.end();
  }
};

export const expectEveryTableSeeded = (print: Fingerprint): void => {
  for (const table of seededTables) {
    expect(print.tables[table]?.rows ?? 0, `${table} has rows`).toBeGreaterThan(0);
  }
};

const post = async (t: TestApp, token: string, url: string, payload: object) => {
  const res = await t.app.inject({ method: 'POST', url, headers: bearer(token), payload });
  if (res.statusCode !== 200) throw new Error(`${url}: ${res.statusCode} ${res.body}`);
  return res.json<{ visit: VisitBody }>().visit;
};

export interface Clinic {
  readonly card: { id: string; roomIds: string[] };
  readonly derm: { id: string; roomIds: string[] };
  readonly kiosk: string;
}

/**
 * A day at a small clinic, through the API: departments and rooms, a kiosk, named
 * check-ins, a consultation, a no-show, a transfer, staff logins, one scheduled-job pass —
 * a row in every table the service writes.
 */
export const seedClinic = async (t: TestApp): Promise<Clinic> => {
  const card = await createDepartment(t, 'CARD', { rooms: ['Room 1', 'Room 2'] });
  const derm = await createDepartment(t, 'DERM');
  const kiosk = await createKiosk(t, [card.id, derm.id]);
  const waiting: VisitBody[] = [];
  for (let i = 1; i <= 6; i++) {
    waiting.push(await checkIn(t, kiosk, card.id, { displayName: `Patient ${i}` }));
  }
  await checkIn(t, kiosk, derm.id, { displayName: 'Skin Patient' });
  const doctor = await t.tokenFor({
    username: 'doctor',
    role: 'doctor',
    departmentIds: [card.id, derm.id],
  });
  const call = () =>
    post(t, doctor, `/api/v1/departments/${card.id}/call-next`, { roomId: card.roomIds[0] });
  const seen = await call();
  const started = await post(t, doctor, `/api/v1/visits/${seen.id}/start`, {
    version: seen.version,
  });
  await post(t, doctor, `/api/v1/visits/${seen.id}/complete`, { version: started.version });
  const absent = await call();
  await post(t, doctor, `/api/v1/visits/${absent.id}/no-show`, { version: absent.version });
  const moved = waiting[5];
  if (moved === undefined) throw new Error('no visit to transfer');
  await post(t, doctor, `/api/v1/visits/${moved.id}/transfer`, {
    version: moved.version,
    toDepartmentId: derm.id,
  });
  await t.services.jobs.runDue();
  return { card, derm, kiosk };
};

/** The queue a department shows, reduced to what must survive a restore. */
export const queueOf = async (t: TestApp, token: string, departmentId: string) => {
  const res = await t.app.inject({
    method: 'GET',
    url: `/api/v1/departments/${departmentId}/queue`,
    headers: bearer(token),
  });
  expect(res.statusCode).toBe(200);
  const body = res.json<{
    serviceDay: string;
    lastEventId: number;
    waiting: VisitBody[];
    called: VisitBody[];
    inConsultation: VisitBody[];
  }>();
  const tickets = (list: VisitBody[]) => list.map((v) => `${v.ticket}:${v.state}:${v.version}`);
  return {
    serviceDay: body.serviceDay,
    lastEventId: body.lastEventId,
    waiting: tickets(body.waiting),
    called: tickets(body.called),
    inConsultation: tickets(body.inConsultation),
  };
};

/** Logs in as a user the seed created (its password is TEST_PASSWORD). */
export const loginAs = async (t: TestApp, username: string): Promise<string> => {
  const res = await t.app.inject({
    method: 'POST',
    url: '/api/v1/auth/login',
    payload: { username, password: TEST_PASSWORD },
  });
  expect(res.statusCode, res.body).toBe(200);
  return res.json<{ accessToken: string }>().accessToken;
};

/**
 * A database with nothing in it (from template0), named like every test database of this
 * run so the run's teardown drops it even if the file does not.
 */
export const emptyPostgres = async (): Promise<{
  name: string;
  url: string;
  drop(): Promise<void>;
}> => {
  const name = `mediqueue_test_${inject('testRunId')}_empty_${randomBytes(4).toString('hex')}`;
  assertTestDatabase(name);
  await withAdminClient((c) => c.query(`CREATE DATABASE ${name} TEMPLATE template0`));
  return {
    name,
    url: urlFor(name),
    drop: async () => {
      await withAdminClient((c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
    },
  };
};

/** Runs a CLI (under tsx) to its end. */
export const runCli = async (
  script: 'backup' | 'restore',
  args: string[],
  env: NodeJS.ProcessEnv,
): Promise<{ code: number | null; output: string }> => {
  const spawned = runTs(`src/cli/${script}.ts`, args, { NODE_ENV: 'test', ...env });
  const code = await spawned.exited;
  return { code, output: spawned.output() };
};

/** A copy of `file` with `change` applied to its bytes. */
export const alteredCopy = (file: string, suffix: string, change: (bytes: Buffer) => Buffer) => {
  const copy = `${file}.${suffix}`;
  fs.writeFileSync(copy, change(fs.readFileSync(file)));
  return copy;
};

export const flipByteAt = (at: (length: number) => number) => (bytes: Buffer) => {
  const copy = Buffer.from(bytes);
  const i = at(copy.length);
  copy[i] = (copy[i] ?? 0) ^ 0x01;
  return copy;
};

/** `url` logging in as another user. */
export const urlAs = (url: string, user: string, password: string): string => {
  const u = new URL(url);
  u.username = encodeURIComponent(user);
  u.password = encodeURIComponent(password);
  return u.toString();
};
