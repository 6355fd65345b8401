import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { createGzip } from 'node:zlib';
import { PGlite } from '@electric-sql/pglite';
import type { Logger } from 'pino';
import { acquireLockfile } from '../embedded/lockfile.js';
import { embeddedPaths, openPglite } from '../embedded/pglite-database.js';

/**
 * The embedded database (PGlite under DATA_DIR) as a gzipped tarball of its data directory
 * — PGlite's own `dumpDataDir`, which `loadDataDir` reads back — and back again.
 *
 * Both hold the data directory's lockfile for their whole run: PGlite is one process's
 * database (docs/adr/0004-pglite-dialect.md), so neither runs beside a server (DataDirBusyError). Copying the
 * files by hand would need the same lock and a tar of our own; the dump is what PGlite
 * documents for this, and it is taken through an open database, so it is consistent even
 * after an unclean stop.
 */

const isNonEmptyDir = (dir: string): boolean => {
  try {
    return fs.readdirSync(dir).length > 0;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw err;
  }
};

/** DATA_DIR holds a database (what `npm start` created there). */
export const hasEmbeddedDatabase = (dataDir: string): boolean =>
  isNonEmptyDir(embeddedPaths(dataDir).pgdata);

/** Opens DATA_DIR (taking its lock), dumps it, closes it; the gzipped tarball as a stream. */
export const dumpEmbedded = async (dataDir: string, logger?: Logger): Promise<Readable> => {
  if (!hasEmbeddedDatabase(dataDir)) {
    throw new Error(
      `there is no embedded database in ${path.resolve(dataDir)} (DATA_DIR): nothing to back up`,
    );
  }
  const handle = await openPglite({ dataDir, ...(logger && { logger }) });
  let tarball: Blob;
  try {
    tarball = await handle.dumpDataDir();
  } finally {
    await handle.close();
  }
  return Readable.fromWeb(tarball.stream()).pipe(createGzip());
};

/** DATA_DIR already holds a database and `replace` was not asked for. */
export class EmbeddedNotEmptyError extends Error {
  override readonly name = 'EmbeddedNotEmptyError';
}

/**
 * Puts a database into DATA_DIR, holding its lock from before `tarball()` (which decrypts
 * the backup and names the file) until the end, so no server starts meanwhile. It is
 * unpacked and opened in a directory beside `pgdata/` first, so nothing there changes unless
 * it opens as a MediQue database; then it takes `pgdata/`'s place by rename. With `replace`,
 * the database it replaces is kept as `pgdata.before-restore-<stamp>` (returned).
 */
export const restoreEmbedded = async (
  dataDir: string,
  options: { replace: boolean; stamp: string; tarball: () => Promise<string> },
): Promise<{ replacedBy: string | null }> => {
  const { pgdata, lockfile } = embeddedPaths(dataDir);
  fs.mkdirSync(dataDir, { recursive: true });
  const release = acquireLockfile(lockfile, dataDir);
  try {
    if (hasEmbeddedDatabase(dataDir) && !options.replace) {
      throw new EmbeddedNotEmptyError(`${pgdata} already holds a database`);
    }
    const tarball = await options.tarball();
    // Left by a restore that was killed: nobody else touches the directory while we hold the lock.
    for (const entry of fs.readdirSync(dataDir)) {
      if (entry.startsWith('pgdata.restoring-')) {
        fs.rmSync(path.join(dataDir, entry), { recursive: true, force: true });
      }
    }
    const staging = path.join(dataDir, `pgdata.restoring-${randomBytes(4).toString('hex')}`);
    try {
      await checkOpens(staging, tarball);
      return { replacedBy: swapIn(staging, pgdata, options.stamp) };
    } catch (err) {
      fs.rmSync(staging, { recursive: true, force: true });
      throw err;
    }
  } finally {
    release();
  }
};

/** Unpacks into `dir` and opens it: a tarball that is not a MediQue database fails here. */
const checkOpens = async (dir: string, tarball: string): Promise<void> => {
  let pglite: PGlite;
  try {
    pglite = await PGlite.create({ dataDir: dir, loadDataDir: await fs.openAsBlob(tarball) });
  } catch (err) {
    throw new Error(
      `the backup's embedded database does not open (${err instanceof Error ? err.message : String(err)}); ` +
        'it must be restored with a MediQue whose PGlite has the same Postgres major version',
    );
  }
  try {
    await pglite.query('SELECT count(*) FROM kysely_migration');
  } catch {
    throw new Error("the backup's embedded database is not a MediQue database (no migrations)");
  } finally {
    await pglite.close();
  }
};

/** `staging` becomes `pgdata`; an existing one moves aside first (and back on failure). */
const swapIn = (staging: string, pgdata: string, stamp: string): string | null => {
  let replacedBy: string | null = null;
  if (isNonEmptyDir(pgdata)) {
    replacedBy = `${pgdata}.before-restore-${stamp}`;
    fs.renameSync(pgdata, replacedBy);
  } else {
    fs.rmSync(pgdata, { recursive: true, force: true }); // an empty directory
  }
  try {
    fs.renameSync(staging, pgdata);
  } catch (err) {
    if (replacedBy !== null) fs.renameSync(replacedBy, pgdata);
    throw err;
  }
  return replacedBy;
};
