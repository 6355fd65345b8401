import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { connectedAsOwner, ensureAppRole } from '../../src/infrastructure/postgres/app-role.js';
import { migrateAsOwner } from '../../src/infrastructure/postgres/owner-migration.js';
import {
  openPostgres,
  type DatabaseHandle,
} from '../../src/infrastructure/postgres/pg-database.js';
import {
  bearer,
  createDepartment,
  createKiosk,
  manualClock,
  startTestApp,
  testConfig,
  TEST_PASSWORD,
  type TestApp,
  type VisitBody,
} from '../support/app.js';
import { noFailures, whereStored } from '../support/jobs.js';
import { freshPostgres, withAdminClient, type TestDatabase } from '../support/postgres.js';
import { runTs } from '../support/process.js';

/**
 * Least privilege in the database (issue 10, ADR 8): `npm run migrate` runs as the owner
 * and creates the application role with exactly the rights the service uses. Connected as
 * that role, nothing can switch off or rewrite the audit trail or change the schema — and
 * the whole service (check-in, transitions, login, admin, jobs) still works.
 *
 * Roles are cluster-wide while test databases are per file: the role's name carries a
 * random id and is dropped after the database.
 */
const role = `mediqueue_test_app_${randomBytes(4).toString('hex')}`;
// Quotes and a percent sign: the role is created with format(%L), and the URL is decoded.
const password = `it's 100% "quoted"-${randomBytes(3).toString('hex')}`;
const clock = manualClock(new Date('2026-11-23T09:00:00Z'));
let db: TestDatabase;
let appUrl: string;
let appHandle: DatabaseHandle;
let t: TestApp;

const urlAs = (url: string, user: string, secret: string): string => {
  const u = new URL(url);
  u.username = encodeURIComponent(user);
  u.password = encodeURIComponent(secret);
  return u.toString();
};

/** Runs statements as the application role, on a connection of their own. */
const asApp = async <T>(work: (client: pg.Client) => Promise<T>): Promise<T> => {
  const client = new pg.Client({ connectionString: appUrl });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
};

const sqlstateOf = async (client: pg.Client, statement: string): Promise<string> => {
  try {
    await client.query(statement);
  } catch (err) {
    return String((err as { code?: unknown }).code);
  }
  return 'succeeded';
};

beforeAll(async () => {
  db = await freshPostgres();
  appUrl = urlAs(db.url, role, password);
  // `npm run migrate`, as an operator runs it: owner URL for migrations, app URL for the role.
  const migrate = runTs('src/cli/migrate.ts', [], {
    NODE_ENV: 'test',
    DATABASE_URL: appUrl,
    DATABASE_MIGRATION_URL: db.url,
  });
  expect(await migrate.exited, migrate.output()).toBe(0);
  expect(migrate.output()).toContain(`Application role "${role}": grants set.`);
  appHandle = openPostgres({ connectionString: appUrl, poolSize: 4 });
  t = await startTestApp(appHandle, {
    clock,
    config: testConfig({
      DATABASE_URL: appUrl,
      DATABASE_MIGRATION_URL: db.url,
      RETENTION_DAYS: '1',
    }),
  });
}, 60_000);

afterAll(async () => {
  await t?.close(); // closes appHandle too
  await db?.drop();
  await withAdminClient((c) => c.query(`DROP ROLE IF EXISTS ${role}`));
});

describe('the application role', () => {
  it('is who the service connects as: not a superuser, owning nothing', async () => {
    const who = await sql<{ user: string; super: boolean; owns: number }>`
      SELECT current_user AS user,
        (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) AS super,
        (SELECT count(*)::int FROM pg_tables WHERE tableowner = current_user) AS owns`.execute(
      appHandle.db,
    );
    expect(who.rows[0]).toEqual({ user: role, super: false, owns: 0 });
    // What the production start-up warning asks.
    expect(await connectedAsOwner(appHandle.db)).toBe(false);
    expect(await connectedAsOwner(db.handle.db)).toBe(true);
  });

  it('runs the whole service: check-in, transitions, transfer, login, admin, audit, jobs', async () => {
    const admin = await t.adminToken(); // user insert, login: session and audit rows
    const dep = await createDepartment(t, 'PRIV');
    const other = await createDepartment(t, 'PRIVB');
    const kiosk = await createKiosk(t, [dep.id]);
    const post = async (url: string, payload: object, token = admin) => {
      const res = await t.app.inject({ method: 'POST', url, headers: bearer(token), payload });
      expect(res.statusCode, `${url}: ${res.body}`).toBeLessThan(300);
      return res.json<{ visit: VisitBody }>().visit;
    };
    const patch = async (url: string, payload: object) => {
      const res = await t.app.inject({ method: 'PATCH', url, headers: bearer(admin), payload });
      expect(res.statusCode, `${url}: ${res.body}`).toBe(200);
    };
    const checkIn = async (key: string) => {
      const res = await t.app.inject({
        method: 'POST',
        url: '/api/v1/checkins',
        headers: { ...bearer(kiosk), 'idempotency-key': key },
        payload: { departmentId: dep.id, patient: { displayName: 'Privvy Leastworth' } },
      });
      expect(res.statusCode, res.body).toBe(201);
      return res.json<{ visit: VisitBody }>().visit;
    };

    const first = await checkIn('priv-1');
    expect((await checkIn('priv-1')).id).toBe(first.id); // the idempotent replay
    const second = await checkIn('priv-2');
    const third = await checkIn('priv-3');
    const called = await post(`/api/v1/departments/${dep.id}/call-next`, {
      roomId: dep.roomIds[0],
    });
    expect(called.id).toBe(first.id);
    const started = await post(`/api/v1/visits/${first.id}/start`, { version: called.version });
    await post(`/api/v1/visits/${first.id}/complete`, { version: started.version });
    await post(`/api/v1/visits/${second.id}/cancel`, { version: 1 });
    const transfer = await t.app.inject({
      method: 'POST',
      url: `/api/v1/visits/${third.id}/transfer`,
      headers: bearer(admin),
      payload: { version: 1, toDepartmentId: other.id },
    });
    expect(transfer.statusCode, transfer.body).toBe(200);

    // Staff accounts and devices (user_departments and device_departments are rewritten).
    const doctor = await t.app.inject({
      method: 'POST',
      url: '/api/v1/admin/users',
      headers: bearer(admin),
      payload: { username: 'priv-doctor', password: TEST_PASSWORD, role: 'doctor' },
    });
    expect(doctor.statusCode, doctor.body).toBe(201);
    const doctorId = doctor.json<{ user: { id: string } }>().user.id;
    await patch(`/api/v1/admin/users/${doctorId}`, { departmentIds: [dep.id, other.id] });
    await patch(`/api/v1/admin/users/${doctorId}`, { departmentIds: [other.id] });
    const kiosks = await t.app.inject({
      method: 'GET',
      url: '/api/v1/admin/kiosks',
      headers: bearer(admin),
    });
    const kioskId = kiosks.json<{ kiosks: { id: string }[] }>().kiosks[0]?.id;
    expect(kioskId).toBeDefined();
    await patch(`/api/v1/admin/kiosks/${kioskId}`, { departmentIds: [dep.id, other.id] });

    // A failed login is recorded, a good one clears it.
    const failed = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { username: 'priv-doctor', password: 'Wrong-password-123!' },
    });
    expect(failed.statusCode).toBe(401);
    const login = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { username: 'priv-doctor', password: TEST_PASSWORD },
    });
    expect(login.statusCode, login.body).toBe(200);

    const audit = await t.app.inject({
      method: 'GET',
      url: '/api/v1/admin/audit?limit=5',
      headers: bearer(admin),
    });
    expect(audit.statusCode).toBe(200);

    // Two days on: close-out, retention (blanking event copies: a column-only grant) and
    // pruning, all as the application role.
    clock.advance(2 * 86_400_000 + 3_600_000);
    const outcomes = noFailures(await t.services.jobs.runDue());
    expect(outcomes.map((o) => o.outcome)).toEqual(['ran', 'ran', 'ran']);
    expect(outcomes.find((o) => o.job === 'close-out')?.rows).toEqual({ cancelled: 1 });
    expect(await whereStored(appHandle.db, 'Leastworth')).toEqual([]);
  });

  it.each([
    [
      'disable the audit trigger',
      'ALTER TABLE audit_events DISABLE TRIGGER audit_events_no_update_delete',
    ],
    ['disable every trigger', 'ALTER TABLE audit_events DISABLE TRIGGER ALL'],
    ['drop the audit trigger', 'DROP TRIGGER audit_events_no_truncate ON audit_events'],
    [
      'replace the trigger function',
      `CREATE OR REPLACE FUNCTION audit_events_append_only() RETURNS trigger
         LANGUAGE plpgsql AS $$ BEGIN RETURN NULL; END $$`,
    ],
    ['bypass triggers for the session', 'SET session_replication_role = replica'],
    ['update audit rows', "UPDATE audit_events SET action = 'rewritten'"],
    ['delete audit rows', 'DELETE FROM audit_events'],
    ['truncate the audit log', 'TRUNCATE audit_events'],
    ['create a table', 'CREATE TABLE sneaky (id integer)'],
    ['create a schema', 'CREATE SCHEMA sneaky'],
    ['alter a table', 'ALTER TABLE visits ADD COLUMN sneaky text'],
    ['drop a table', 'DROP TABLE login_failures'],
    ['delete visits', 'DELETE FROM visits'],
    ['rewrite the event log', "UPDATE visit_events SET type = 'visit.rewritten'"],
    ['delete events', 'DELETE FROM visit_events'],
    ['give itself more rights', `ALTER ROLE ${role} SUPERUSER`],
  ])('cannot %s (SQLSTATE 42501)', async (_what, statement) => {
    const before = await sql<{ n: number }>`SELECT count(*)::int AS n FROM audit_events`.execute(
      db.handle.db,
    );
    expect(Number(before.rows[0]?.n)).toBeGreaterThan(0);
    expect(await asApp((c) => sqlstateOf(c, statement))).toBe('42501');
    const after = await sql<{ n: number }>`SELECT count(*)::int AS n FROM audit_events`.execute(
      db.handle.db,
    );
    expect(after.rows[0]?.n).toBe(before.rows[0]?.n);
  });

  it('migrating again takes back a right granted by hand, and keeps the role working', async () => {
    await sql`GRANT UPDATE, DELETE ON audit_events TO ${sql.id(role)}`.execute(db.handle.db);
    const can = () =>
      sql<{ update: boolean; del: boolean }>`
        SELECT has_table_privilege(${role}, 'audit_events', 'UPDATE') AS update,
          has_table_privilege(${role}, 'audit_events', 'DELETE') AS del`.execute(db.handle.db);
    expect((await can()).rows[0]).toEqual({ update: true, del: true });
    const result = await migrateAsOwner({ ownerUrl: db.url, appUrl });
    expect(result).toEqual({ applied: [], appRole: role });
    expect((await can()).rows[0]).toEqual({ update: false, del: false });
    expect(await asApp((c) => sqlstateOf(c, 'SELECT count(*) FROM visits'))).toBe('succeeded');
  });

  it('refuses a superuser, and a table nobody decided the grants of', async () => {
    await expect(ensureAppRole(db.handle.db, { name: 'postgres', password: null })).rejects.toThrow(
      /"postgres" \(DATABASE_URL's user\) is a superuser/,
    );
    await sql`CREATE TABLE undecided_table (id integer)`.execute(db.handle.db);
    try {
      await expect(ensureAppRole(db.handle.db, { name: role, password: null })).rejects.toThrow(
        /No grants decided for table\(s\) undecided_table/,
      );
    } finally {
      await sql`DROP TABLE undecided_table`.execute(db.handle.db);
    }
  });
});

describe('DATABASE_MIGRATION_URL', () => {
  it('defaults to DATABASE_URL, and is refused without it', () => {
    const url = 'postgres://app@db/mediqueue';
    expect(loadConfig({ NODE_ENV: 'test', DATABASE_URL: url }).config.databaseMigrationUrl).toBe(
      url,
    );
    const owner = 'postgres://owner@db/mediqueue';
    expect(
      loadConfig({ NODE_ENV: 'test', DATABASE_URL: url, DATABASE_MIGRATION_URL: owner }).config
        .databaseMigrationUrl,
    ).toBe(owner);
    expect(() => loadConfig({ NODE_ENV: 'test', DATABASE_MIGRATION_URL: owner })).toThrow(
      /DATABASE_MIGRATION_URL is set but DATABASE_URL is not/,
    );
  });
});
