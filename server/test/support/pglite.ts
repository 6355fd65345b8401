import {
  openPglite,
  type PgliteHandle,
} from '../../src/infrastructure/embedded/pglite-database.js';
import { migrateToLatest } from '../../src/infrastructure/postgres/migrator.js';

/**
 * A fresh PGlite costs a WASM initdb (3 s here, up to 16 s on slow machines) plus the
 * migration; loading a dump of an already migrated one takes well under a second. So
 * each test process migrates one template and every test gets a clone of it.
 */
let template: Promise<Blob> | undefined;

const createMigratedTemplate = async (): Promise<Blob> => {
  const handle = await openPglite({ dataDir: null });
  try {
    await migrateToLatest(handle.db);
    return await handle.dumpDataDir();
  } finally {
    await handle.close();
  }
};

export const pgliteTemplate = (): Promise<Blob> => {
  template ??= createMigratedTemplate().catch((err: unknown) => {
    template = undefined; // let the next caller retry rather than replay the failure
    throw err;
  });
  return template;
};

/** A new in-memory database, already migrated. Close it after the test. */
export const freshPglite = async (): Promise<PgliteHandle> =>
  openPglite({ dataDir: null, loadDataDir: await pgliteTemplate() });
