import fs from 'node:fs';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { Kysely, sql } from 'kysely';
import type { Logger } from 'pino';
import type { DatabaseHandle } from '../postgres/pg-database.js';
import type { Database } from '../postgres/schema.js';
import { acquireLockfile } from './lockfile.js';
import { PGLITE_PARSERS, PgliteDialect } from './pglite-dialect.js';

export interface PgliteOptions {
  /** Directory for `pgdata/` and the lockfile; `null` keeps everything in memory (tests). */
  readonly dataDir: string | null;
  /** A `dumpDataDir()` tarball to start from, e.g. a migrated template (tests). */
  readonly loadDataDir?: Blob | File;
  readonly logger?: Logger;
}

export interface PgliteHandle extends DatabaseHandle {
  readonly kind: 'pglite';
  /** A tarball of the whole data directory, taken between transactions. */
  dumpDataDir(): Promise<Blob>;
}

/** Where a data directory keeps the database and its lockfile (backup and restore too). */
export const embeddedPaths = (dataDir: string) => ({
  pgdata: path.join(dataDir, 'pgdata'),
  lockfile: path.join(dataDir, 'mediqueue.lock'),
});

/**
 * The embedded database. A fresh data directory takes 3–16 s to initialise (WASM initdb,
 * depending on the machine), reopening an existing one well under a second.
 */
export const openPglite = async (options: PgliteOptions): Promise<PgliteHandle> => {
  const { dataDir, logger } = options;
  let releaseLock = () => {};
  if (dataDir !== null) {
    fs.mkdirSync(dataDir, { recursive: true });
    releaseLock = acquireLockfile(embeddedPaths(dataDir).lockfile, dataDir, logger);
  }
  const startedAt = performance.now();
  let pglite: PGlite;
  try {
    pglite = await PGlite.create({
      ...(dataDir !== null ? { dataDir: embeddedPaths(dataDir).pgdata } : {}),
      ...(options.loadDataDir !== undefined ? { loadDataDir: options.loadDataDir } : {}),
      parsers: PGLITE_PARSERS,
    });
  } catch (err) {
    releaseLock();
    throw err;
  }
  logger?.info(
    { dataDir: dataDir ?? 'memory', ms: Math.round(performance.now() - startedAt) },
    'pglite opened',
  );
  const db = new Kysely<Database>({ dialect: new PgliteDialect(pglite) });
  return {
    kind: 'pglite',
    db,
    ping: async () => {
      await sql`SELECT 1`.execute(db);
    },
    // Holding a Kysely connection keeps every transaction out while the files are read.
    dumpDataDir: () => db.connection().execute(() => pglite.dumpDataDir('none')),
    close: async () => {
      await db.destroy(); // waits for queued transactions (see PgliteDriver.destroy)
      await pglite.close();
      // Only after a clean close: if it throws, the lock stays until this process exits.
      releaseLock();
    },
  };
};
