import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  bufferSource,
  openSealed,
  sealingStream,
} from '../../src/infrastructure/backup/envelope.js';
import {
  findPgTool,
  serverMajorVersion,
  startTool,
} from '../../src/infrastructure/backup/pg-tools.js';
import { migrateAsOwner } from '../../src/infrastructure/postgres/owner-migration.js';
import { openPostgres } from '../../src/infrastructure/postgres/pg-database.js';
import { checkIn, startTestApp, type TestApp } from '../support/app.js';
import {
  alteredCopy,
  BACKUP_KEY,
  emptyPostgres,
  expectEveryTableSeeded,
  fingerprint,
  fingerprintAt,
  flipByteAt,
  loginAs,
  queueOf,
  relationCount,
  runCli,
  seedClinic,
  urlAs,
  type Clinic,
  type Fingerprint,
} from '../support/backup.js';
import { freshPostgres, withAdminClient, type TestDatabase } from '../support/postgres.js';
import { PROCESS_JWT_SECRET } from '../support/process.js';

/**
 * Encrypted backup and restore on Postgres (issue 10, item 2), through the commands an
 * operator runs, set up as compose runs the service: the owner migrates and backs up,
 * the instances connect as the application role. Restore goes into a new, empty database
 * and must give back every row of every table, and a service that works; anything wrong
 * with the file must be refused before the database is touched.
 */
const role = `mediqueue_test_bk_${randomBytes(4).toString('hex')}`;
const rolePassword = `bk-${randomBytes(6).toString('hex')}`;
const appUrl = (db: { url: string }) => urlAs(db.url, role, rolePassword);
const redisUrl = process.env.TEST_REDIS_URL ?? process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

let dir: string;
let source: TestDatabase;
let sourceApp: TestApp;
let clinic: Clinic;
let before: Fingerprint;
let queueBefore: Awaited<ReturnType<typeof queueOf>>;
let backupFile: string;
let target: Awaited<ReturnType<typeof emptyPostgres>>;
let victim: Awaited<ReturnType<typeof emptyPostgres>>;

/** Both URLs, as compose's services have them. */
const envFor = (db: { url: string }, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv => ({
  DATABASE_URL: appUrl(db),
  DATABASE_MIGRATION_URL: db.url,
  BACKUP_ENCRYPTION_KEY: BACKUP_KEY,
  ...extra,
});

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mediqueue-backup-test-'));
  source = await freshPostgres();
  await migrateAsOwner({ ownerUrl: source.url, appUrl: appUrl(source) });
  sourceApp = await startTestApp(openPostgres({ connectionString: appUrl(source), poolSize: 4 }));
  clinic = await seedClinic(sourceApp);
  before = await fingerprint(source.handle.db);
  queueBefore = await queueOf(sourceApp, await sourceApp.adminToken(), clinic.card.id);
  [target, victim] = await Promise.all([emptyPostgres(), emptyPostgres()]);
  backupFile = path.join(dir, 'clinic.mqbak');
  const backup = await runCli('backup', ['--out', backupFile], envFor(source));
  expect(backup.code, backup.output).toBe(0);
}, 120_000);

afterAll(async () => {
  await sourceApp?.close();
  await source?.drop();
  await target?.drop();
  await victim?.drop();
  await withAdminClient((c) => c.query(`DROP ROLE IF EXISTS ${role}`));
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('npm run backup (Postgres)', () => {
  it('writes an owner-only file that holds nothing in clear: not the archive, not a name', () => {
    const bytes = fs.readFileSync(backupFile);
    expect(bytes.subarray(0, 8).toString('ascii')).toBe('MQBACKUP');
    expect(bytes.includes(Buffer.from('PGDMP'))).toBe(false);
    expect(bytes.includes(Buffer.from('Patient 1'))).toBe(false);
    expect(fs.statSync(backupFile).mode & 0o777).toBe(0o600);
    expect(fs.readdirSync(dir)).toEqual(['clinic.mqbak']); // no partial file left behind
    expectEveryTableSeeded(before);
  });

  it('refuses to run without BACKUP_ENCRYPTION_KEY, and in production with a weak one', async () => {
    const out = path.join(dir, 'refused.mqbak');
    const missing = await runCli(
      'backup',
      ['--out', out],
      envFor(source, { BACKUP_ENCRYPTION_KEY: '' }),
    );
    expect(missing.code).toBe(1);
    expect(missing.output).toMatch(/BACKUP_ENCRYPTION_KEY is not set/);
    const production = {
      NODE_ENV: 'production',
      JWT_SECRET: PROCESS_JWT_SECRET,
      METRICS_TOKEN: 'backup-test-metrics-token-0123',
      REDIS_URL: redisUrl,
    };
    for (const [key, why] of [
      ['short-key-0123456789', /shorter than 32 characters/],
      ['changeme-changeme-changeme-changeme-0123', /contains the word "changeme"/],
    ] as const) {
      const weak = await runCli(
        'backup',
        ['--out', out],
        envFor(source, { ...production, BACKUP_ENCRYPTION_KEY: key }),
      );
      expect(weak.code).toBe(1);
      expect(weak.output).toMatch(/Refusing to back up in production: BACKUP_ENCRYPTION_KEY/);
      expect(weak.output).toMatch(why);
    }
    expect(fs.existsSync(out)).toBe(false);
  }, 60_000);

  it('--dir names files by time and keeps the newest BACKUP_KEEP, touching nothing else', async () => {
    const keepDir = path.join(dir, 'daily');
    fs.mkdirSync(keepDir);
    const others = ['notes.txt', 'mediqueue-embedded-20200101T000000.000Z.mqbak'];
    for (const name of others) fs.writeFileSync(path.join(keepDir, name), 'not ours to delete');
    fs.writeFileSync(path.join(keepDir, 'mediqueue-postgres-20200101T000000.000Z.mqbak'), 'old');
    for (let i = 0; i < 2; i++) {
      const run = await runCli('backup', ['--dir', keepDir], envFor(source, { BACKUP_KEEP: '2' }));
      expect(run.code, run.output).toBe(0);
    }
    const names = fs.readdirSync(keepDir).sort();
    const ours = names.filter((n) => /^mediqueue-postgres-\d{8}T\d{6}\.\d{3}Z\.mqbak$/.test(n));
    expect(ours).toHaveLength(2);
    expect(ours).not.toContain('mediqueue-postgres-20200101T000000.000Z.mqbak');
    expect(names).toEqual([...others, ...ours].sort());
  }, 60_000);
});

describe('npm run restore (Postgres)', () => {
  it('restores into a new database: every table, sequence and trigger as backed up', async () => {
    const restore = await runCli('restore', ['--in', backupFile], envFor(target));
    expect(restore.code, restore.output).toBe(0);
    expect(restore.output).toContain(`Application role "${role}": grants set.`);
    expect(await fingerprintAt(target.url)).toEqual(before);
  }, 60_000);

  it('gives back a service that serves the queue, numbers on where it left off and keeps the audit trail append-only', async () => {
    const restored = await startTestApp(
      openPostgres({ connectionString: appUrl(target), poolSize: 4 }),
    );
    try {
      const admin = await loginAs(restored, 'admin');
      expect(await queueOf(restored, admin, clinic.card.id)).toEqual(queueBefore);
      // The kiosk's credential and the day's counter came back with the rest.
      const next = await checkIn(restored, clinic.kiosk, clinic.card.id);
      expect(next.ticket).toBe('CARD-007');
      const client = new pg.Client({ connectionString: appUrl(target) });
      await client.connect();
      try {
        await expect(client.query('UPDATE audit_events SET action = action')).rejects.toMatchObject(
          { code: '42501' },
        );
      } finally {
        await client.end();
      }
    } finally {
      await restored.close();
    }
  }, 60_000);

  it.each([
    [
      'a wrong key',
      (f: string) => f,
      { BACKUP_ENCRYPTION_KEY: `${BACKUP_KEY}-not-it` },
      /is not the key it was made with/,
    ],
    [
      'a flipped byte in the header',
      flipped(() => 30),
      {},
      /is not the key it was made with \(or its header was changed\)/,
    ],
    ['a flipped byte in the middle', flipped((n) => Math.floor(n / 2)), {}, /changed or truncated/],
    ['a flipped byte in the tag', flipped((n) => n - 1), {}, /changed or truncated/],
    ['a file cut short', cut((n) => n - 1000), {}, /changed or truncated/],
    ['a file cut inside its header', cut(() => 40), {}, /it is truncated/],
  ] as const)(
    'refuses %s and leaves the database untouched',
    async (_what, make, env, message) => {
      const file = make(backupFile);
      const restore = await runCli('restore', ['--in', file], envFor(victim, env));
      expect(restore.code).toBe(1);
      expect(restore.output).toMatch(message);
      expect(restore.output).toContain('Nothing was restored; the database is as it was.');
      expect(await relationCount(victim.url)).toBe(0);
    },
    60_000,
  );

  it('refuses a database that is not empty, and replaces it with --force', async () => {
    const changed = await fingerprintAt(target.url); // it took a check-in since
    expect(changed).not.toEqual(before);
    const refused = await runCli('restore', ['--in', backupFile], envFor(target));
    expect(refused.code).toBe(1);
    expect(refused.output).toMatch(/is not empty: it holds \d+ tables, views or sequences/);
    expect(refused.output).toMatch(/--force/);
    expect(await fingerprintAt(target.url)).toEqual(changed);

    const forced = await runCli('restore', ['--in', backupFile, '--force'], envFor(target));
    expect(forced.code, forced.output).toBe(0);
    expect(await fingerprintAt(target.url)).toEqual(before);
  }, 90_000);

  it('rolls back a restore that fails halfway: an archive broken after its table of contents', async () => {
    const broken = await brokenArchiveBackup();
    const intoEmpty = await runCli('restore', ['--in', broken], envFor(victim));
    expect(intoEmpty.code).toBe(1);
    expect(intoEmpty.output).toMatch(/pg_restore failed/);
    expect(await relationCount(victim.url)).toBe(0);
    // With --force the old contents were dropped in the same transaction: they are back.
    const current = await fingerprintAt(target.url);
    const forced = await runCli('restore', ['--in', broken, '--force'], envFor(target));
    expect(forced.code).toBe(1);
    expect(await fingerprintAt(target.url)).toEqual(current);
  }, 90_000);
});

function flipped(at: (length: number) => number) {
  return (file: string) => alteredCopy(file, `flip${at(1000)}`, flipByteAt(at));
}

function cut(length: (length: number) => number) {
  return (file: string) =>
    alteredCopy(file, `cut${length(1000)}`, (b) => b.subarray(0, length(b.length)));
}

/**
 * A correctly encrypted backup whose pg_dump archive is damaged in its last data blocks:
 * pg_restore reads its table of contents, starts restoring, and fails partway — after the
 * schema was dropped (--force) and tables were created.
 */
async function brokenArchiveBackup(): Promise<string> {
  const chunks: Buffer[] = [];
  await openSealed(
    bufferSource(fs.readFileSync(backupFile)),
    BACKUP_KEY,
    new Writable({
      write(chunk: Buffer, _encoding, done) {
        chunks.push(chunk);
        done();
      },
    }),
  );
  const archive = Buffer.concat(chunks);
  for (let i = archive.length - 400; i < archive.length - 300; i++) {
    archive[i] = (archive[i] ?? 0) ^ 0x55;
  }
  const archiveFile = path.join(dir, 'broken.dump');
  fs.writeFileSync(archiveFile, archive);
  // The damage must get past pg_restore's reading of the contents, or this proves nothing.
  const pgRestore = findPgTool('pg_restore', await serverMajorVersion(source.url));
  await startTool(pgRestore, ['--list', archiveFile], process.env).done;
  const file = path.join(dir, 'broken.mqbak');
  await pipeline(
    Readable.from([archive]),
    await sealingStream(BACKUP_KEY, 'postgres'),
    fs.createWriteStream(file),
  );
  return file;
}
