import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sealingStream } from '../../src/infrastructure/backup/envelope.js';
import { openPglite } from '../../src/infrastructure/embedded/pglite-database.js';
import { startTestApp, type TestApp } from '../support/app.js';
import {
  alteredCopy,
  BACKUP_KEY,
  expectEveryTableSeeded,
  fingerprint,
  flipByteAt,
  loginAs,
  queueOf,
  runCli,
  seedClinic,
  type Clinic,
  type Fingerprint,
} from '../support/backup.js';
import { pgliteTemplate } from '../support/pglite.js';

/**
 * Encrypted backup and restore in embedded mode (issue 10, item 2): the PGlite data
 * directory under DATA_DIR, in the same envelope as a Postgres backup. The database belongs
 * to one process (the lockfile), so both commands refuse while a server holds it.
 */
let dir: string;
let sourceDir: string;
let source: TestApp | undefined;
let clinic: Clinic;
let before: Fingerprint;
let queueBefore: Awaited<ReturnType<typeof queueOf>>;
let backupFile: string;

const env = (dataDir: string, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv => ({
  DATA_DIR: dataDir,
  BACKUP_ENCRYPTION_KEY: BACKUP_KEY,
  ...extra,
});

/** Opens a data directory as the server would, fingerprints it, closes it. */
const fingerprintOf = async (dataDir: string): Promise<Fingerprint> => {
  const handle = await openPglite({ dataDir });
  try {
    return await fingerprint(handle.db);
  } finally {
    await handle.close();
  }
};

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mediqueue-embedded-backup-test-'));
  sourceDir = path.join(dir, 'source');
  const handle = await openPglite({ dataDir: sourceDir, loadDataDir: await pgliteTemplate() });
  source = await startTestApp(handle);
  clinic = await seedClinic(source);
  before = await fingerprint(handle.db);
  queueBefore = await queueOf(source, await source.adminToken(), clinic.card.id);
  backupFile = path.join(dir, 'clinic.mqbak');
}, 120_000);

afterAll(async () => {
  await source?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('npm run backup (embedded)', () => {
  it('refuses while a server holds the data directory, and says what to do', async () => {
    const refused = await runCli('backup', ['--out', backupFile], env(sourceDir));
    expect(refused.code).toBe(1);
    expect(refused.output).toContain(`holds the data directory ${sourceDir}`);
    expect(refused.output).toMatch(/Stop the server/);
    expect(fs.existsSync(backupFile)).toBe(false);
  }, 60_000);

  it('backs up once the server has stopped', async () => {
    await source?.close(); // closes the database and releases the lockfile
    source = undefined;
    const backup = await runCli('backup', ['--out', backupFile], env(sourceDir));
    expect(backup.code, backup.output).toBe(0);
    const bytes = fs.readFileSync(backupFile);
    expect(bytes.subarray(0, 10)).toEqual(Buffer.from('MQBACKUP\x01\x02', 'latin1'));
    expect(bytes.includes(Buffer.from('Patient 1'))).toBe(false);
    expectEveryTableSeeded(before);
  }, 60_000);
});

describe('npm run restore (embedded)', () => {
  it('restores into an empty DATA_DIR: every table as backed up, and the service serves the queue', async () => {
    const restoredDir = path.join(dir, 'restored');
    const restore = await runCli('restore', ['--in', backupFile], env(restoredDir));
    expect(restore.code, restore.output).toBe(0);
    const handle = await openPglite({ dataDir: restoredDir });
    const print = await fingerprint(handle.db).catch(async (err: unknown) => {
      await handle.close();
      throw err;
    });
    expect(print).toEqual(before);
    const restored = await startTestApp(handle); // its close() closes the handle
    try {
      const admin = await loginAs(restored, 'admin');
      expect(await queueOf(restored, admin, clinic.card.id)).toEqual(queueBefore);
    } finally {
      await restored.close();
    }
  }, 90_000);

  it.each([
    [
      'a wrong key',
      (f: string) => f,
      { BACKUP_ENCRYPTION_KEY: `${BACKUP_KEY}-not-it` },
      /is not the key/,
    ],
    [
      'a flipped byte in the middle',
      (f: string) =>
        alteredCopy(
          f,
          'mid',
          flipByteAt((n) => n >> 1),
        ),
      {},
      /changed or truncated/,
    ],
    [
      'a flipped byte in the tag',
      (f: string) =>
        alteredCopy(
          f,
          'tag',
          flipByteAt((n) => n - 1),
        ),
      {},
      /changed or truncated/,
    ],
    [
      'a file cut short',
      (f: string) => alteredCopy(f, 'cut', (b) => b.subarray(0, b.length - 5000)),
      {},
      /changed or truncated/,
    ],
  ] as const)(
    'refuses %s and leaves DATA_DIR empty',
    async (_what, make, extra, message) => {
      const victim = path.join(dir, `victim-${randomBytes(3).toString('hex')}`);
      const restore = await runCli('restore', ['--in', make(backupFile)], env(victim, extra));
      expect(restore.code).toBe(1);
      expect(restore.output).toMatch(message);
      expect(restore.output).toContain('Nothing was restored');
      expect(fs.readdirSync(victim)).toEqual([]); // no pgdata, no staging directory, no lock
    },
    60_000,
  );

  it('refuses a Postgres backup', async () => {
    const pgBackup = path.join(dir, 'postgres.mqbak');
    await pipeline(
      Readable.from([Buffer.from('PGDMP')]),
      await sealingStream(BACKUP_KEY, 'postgres'),
      fs.createWriteStream(pgBackup),
    );
    const victim = path.join(dir, 'victim-kind');
    const restore = await runCli('restore', ['--in', pgBackup], env(victim));
    expect(restore.code).toBe(1);
    expect(restore.output).toMatch(
      /is a backup of a Postgres database, but .*\(DATABASE_URL is not set\)/,
    );
    expect(fs.readdirSync(victim)).toEqual([]);
  }, 60_000);

  it('refuses a DATA_DIR that holds a database; --force replaces it and keeps the old one beside it', async () => {
    const restoredDir = path.join(dir, 'restored');
    const refused = await runCli('restore', ['--in', backupFile], env(restoredDir));
    expect(refused.code).toBe(1);
    expect(refused.output).toMatch(/already holds a database/);
    expect(refused.output).toMatch(/--force/);

    const forced = await runCli('restore', ['--in', backupFile, '--force'], env(restoredDir));
    expect(forced.code, forced.output).toBe(0);
    const kept = fs.readdirSync(restoredDir).filter((n) => n.startsWith('pgdata.before-restore-'));
    expect(kept).toHaveLength(1);
    expect(forced.output).toContain(`kept in ${path.join(restoredDir, kept[0] ?? '')}`);
    expect(await fingerprintOf(restoredDir)).toEqual(before);
  }, 90_000);

  it('refuses while a server holds the data directory', async () => {
    const restoredDir = path.join(dir, 'restored');
    const running = await openPglite({ dataDir: restoredDir });
    try {
      const refused = await runCli('restore', ['--in', backupFile, '--force'], env(restoredDir));
      expect(refused.code).toBe(1);
      expect(refused.output).toContain(`holds the data directory ${restoredDir}`);
      expect(refused.output).toContain('Nothing was restored');
    } finally {
      await running.close();
    }
  }, 60_000);
});
