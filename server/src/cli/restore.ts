import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { migrateDatabase, openDatabase } from '../compose.js';
import { loadConfig, type Config } from '../config.js';
import {
  EmbeddedNotEmptyError,
  restoreEmbedded,
} from '../infrastructure/backup/embedded-archive.js';
import {
  BackupError,
  fileSource,
  openSealed,
  type PayloadKind,
} from '../infrastructure/backup/envelope.js';
import {
  checkArchive,
  existingRelations,
  restoreArchive,
} from '../infrastructure/backup/postgres-archive.js';
import { DataDirBusyError } from '../infrastructure/embedded/lockfile.js';
import { systemClock } from '../infrastructure/time/system-clock.js';
import { fail, failureMessage } from './args.js';
import {
  backupKey,
  busyMessage,
  exitOneUnlessFinished,
  fromInvocation,
  parseCommandLine,
} from './backup-support.js';

const usage = 'Usage: npm run restore -- --in <file> [--force]';
const unchanged = 'Nothing was restored; the database is as it was.';

/** A refusal whose message says it all. */
class Refused extends Error {}

/**
 * `npm run restore -- --in <file> [--force]`. The whole file is decrypted into a private
 * temporary directory and authenticated (the GCM tag is checked only at the end) before
 * anything touches the database; a wrong key, a changed byte or a cut-off file stops here.
 * Then the target must be empty, unless --force: Postgres restores in one transaction
 * (postgres-archive.ts), embedded mode swaps directories (embedded-archive.ts).
 */
const run = async (): Promise<void> => {
  const progress = exitOneUnlessFinished('restore');
  const parsed = parseCommandLine(['in'], ['force'], process.argv.slice(2));
  if ('error' in parsed) return fail(`${parsed.error}\n${usage}`);
  if (parsed.values.in === undefined) return fail(`restore: --in <file> is required.\n${usage}`);
  const { config } = loadConfig(process.env);
  const key = backupKey(config, 'restore');
  if ('error' in key) return fail(key.error);
  const file = fromInvocation(parsed.values.in);
  if (!fs.existsSync(file)) return fail(`restore: ${file} does not exist.`);
  const force = parsed.flags.has('force');

  // Owner-only (mkdtemp makes it 0700): it briefly holds the decrypted database.
  const scratch = await fs.promises.mkdtemp(path.join(os.tmpdir(), 'mediqueue-restore-'));
  try {
    const decrypt = (kind: PayloadKind) => decryptInto(scratch, file, key.key, kind);
    if (config.databaseUrl === undefined) await intoDataDir(config, force, decrypt);
    else await intoPostgres(config, force, decrypt);
    progress.finished();
  } finally {
    await fs.promises.rm(scratch, { recursive: true, force: true });
  }
};

/** Resolves with the decrypted payload's path once the whole file has authenticated. */
const decryptInto = async (
  scratch: string,
  file: string,
  key: string,
  expected: PayloadKind,
): Promise<string> => {
  const payload = path.join(scratch, 'payload');
  const sink = fs.createWriteStream(payload, { flags: 'wx', mode: 0o600 });
  try {
    const header = await openSealed(await fileSource(file), key, sink);
    if (header.kind !== expected) {
      const what = { postgres: 'a Postgres database', embedded: 'an embedded (PGlite) database' };
      throw new Refused(
        `restore: ${file} is a backup of ${what[header.kind]}, but this configuration restores ` +
          `into ${what[expected]} (${expected === 'postgres' ? 'DATABASE_URL is set' : 'DATABASE_URL is not set'}). ${unchanged}`,
      );
    }
  } catch (err) {
    sink.destroy();
    if (err instanceof BackupError)
      throw new Refused(`restore: ${file}: ${err.message}. ${unchanged}`);
    throw err;
  }
  return payload;
};

const intoPostgres = async (
  config: Config,
  force: boolean,
  decrypt: (kind: PayloadKind) => Promise<string>,
): Promise<void> => {
  // The owner restores (it creates the tables and the audit trigger).
  const url = config.databaseMigrationUrl ?? config.databaseUrl ?? '';
  const database = decodeURIComponent(new URL(url).pathname.slice(1));
  const existing = await existingRelations(url);
  if (existing.total > 0 && !force) {
    throw new Refused(
      `restore: the database "${database}" is not empty: it holds ${existing.total} tables, views ` +
        `or sequences (${existing.names.join(', ')}${existing.total > existing.names.length ? ', …' : ''}). ` +
        'Restore writes into an empty database: create a new one, or run again with --force to ' +
        `replace everything in its schema "public". ${unchanged}`,
    );
  }
  const archive = await decrypt('postgres');
  await checkArchive(url, archive);
  await restoreArchive(url, archive, { replace: force });
  process.stdout.write(
    `Restored into database "${database}"${force ? ', replacing its contents' : ''}.\n`,
  );
  // The archive carries no grants: migrations set the application role's again (ADR 8),
  // and bring an older backup up to this version's schema, as start-up would.
  try {
    const handle = await openDatabase(config);
    try {
      const { applied, appRole } = await migrateDatabase(config, handle);
      if (applied.length > 0) process.stdout.write(`Applied: ${applied.join(', ')}\n`);
      if (appRole !== null) process.stdout.write(`Application role "${appRole}": grants set.\n`);
    } finally {
      await handle.close();
    }
  } catch (err) {
    throw new Refused(
      `restore: the backup was restored, but migrating it failed: ${err instanceof Error ? err.message : String(err)}. ` +
        'Fix the cause and run npm run migrate before starting the service.',
    );
  }
};

const intoDataDir = async (
  config: Config,
  force: boolean,
  decrypt: (kind: PayloadKind) => Promise<string>,
): Promise<void> => {
  const dataDir = config.dataDir; // absolute: config resolves it from the repository root
  try {
    const { replacedBy } = await restoreEmbedded(dataDir, {
      replace: force,
      stamp: systemClock.now().toISOString().replace(/[-:]/g, ''),
      tarball: () => decrypt('embedded'),
    });
    process.stdout.write(`Restored into ${dataDir} (DATA_DIR).\n`);
    if (replacedBy !== null) {
      process.stdout.write(
        `The database it replaced is kept in ${replacedBy}; delete it when done.\n`,
      );
    }
  } catch (err) {
    if (!(err instanceof EmbeddedNotEmptyError)) throw err;
    throw new Refused(
      `restore: ${dataDir} (DATA_DIR) already holds a database. Restore writes into an empty ` +
        'data directory: point DATA_DIR at a new one, or run again with --force to replace it ' +
        `(the current one is then kept beside it). ${unchanged}`,
    );
  }
};

run().catch((err: unknown) => {
  if (err instanceof Refused) return fail(err.message);
  if (err instanceof DataDirBusyError) return fail(`${busyMessage('restore', err)}\n${unchanged}`);
  return fail(`${failureMessage('restore', err)}\n${unchanged}`);
});
