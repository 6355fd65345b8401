import fs from 'node:fs';
import path from 'node:path';
import type { Readable, Transform, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { loadConfig, type Config } from '../config.js';
import {
  backupFileName,
  pruneBackups,
  writeAtomically,
} from '../infrastructure/backup/backup-files.js';
import { dumpEmbedded } from '../infrastructure/backup/embedded-archive.js';
import { sealingStream, type PayloadKind } from '../infrastructure/backup/envelope.js';
import { startDump } from '../infrastructure/backup/postgres-archive.js';
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

const usage = 'Usage: npm run backup -- --out <file>   or   npm run backup -- --dir <directory>';

/**
 * `npm run backup -- --out <file>` / `-- --dir <directory>`: the database, encrypted with
 * BACKUP_ENCRYPTION_KEY (docs/backup-format.md). Postgres: a pg_dump custom archive,
 * streamed straight into the file, as the owner (DATABASE_MIGRATION_URL, else DATABASE_URL).
 * Embedded mode: PGlite's data directory (the server must be stopped). `--dir` names the
 * file after the time and keeps the newest BACKUP_KEEP of them.
 */
const run = async (): Promise<void> => {
  const progress = exitOneUnlessFinished('backup');
  const parsed = parseCommandLine(['out', 'dir'], [], process.argv.slice(2));
  if ('error' in parsed) return fail(`${parsed.error}\n${usage}`);
  const { out, dir } = parsed.values;
  if ((out === undefined) === (dir === undefined)) {
    return fail(`backup: give either --out <file> or --dir <directory>.\n${usage}`);
  }
  const { config } = loadConfig(process.env);
  const key = backupKey(config, 'backup');
  if ('error' in key) return fail(key.error);
  if (key.warning !== null) process.stderr.write(`${key.warning}\n`);

  const kind: PayloadKind = config.databaseUrl === undefined ? 'embedded' : 'postgres';
  let target: string;
  if (dir !== undefined) {
    fs.mkdirSync(fromInvocation(dir), { recursive: true });
    target = path.join(fromInvocation(dir), backupFileName(kind, systemClock.now()));
  } else {
    target = fromInvocation(out ?? '');
  }
  const sealing = await sealingStream(key.key, kind);
  await writeAtomically(target, (file) =>
    kind === 'postgres' ? dumpPostgres(config, sealing, file) : dumpData(config, sealing, file),
  );
  const { size } = fs.statSync(target);
  process.stdout.write(`Backup written: ${target} (${kind}, ${size} bytes, encrypted).\n`);
  if (dir !== undefined) {
    for (const name of pruneBackups(fromInvocation(dir), kind, config.backupKeep)) {
      process.stdout.write(`Removed ${name} (BACKUP_KEEP=${config.backupKeep}).\n`);
    }
  }
  progress.finished();
};

/** pg_dump → envelope → file; the file counts only if pg_dump also exited cleanly. */
const dumpPostgres = async (config: Config, sealing: Transform, file: Writable) => {
  const url = config.databaseMigrationUrl ?? config.databaseUrl ?? '';
  const dump = await startDump(url);
  try {
    await Promise.all([pipeline(dump.stdout, sealing, file), dump.done]);
  } catch (err) {
    dump.child.kill('SIGKILL');
    throw err;
  }
};

const dumpData = async (config: Config, sealing: Transform, file: Writable) => {
  const tarball: Readable = await dumpEmbedded(config.dataDir);
  await pipeline(tarball, sealing, file);
};

run().catch((err: unknown) =>
  fail(
    err instanceof DataDirBusyError ? busyMessage('backup', err) : failureMessage('backup', err),
  ),
);
