import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshPglite } from '../../../test/support/pglite.js';
import type { PgliteHandle } from '../embedded/pglite-database.js';
import { migrateToLatest } from './migrator.js';

/** The start-up fast path (issue 13) answers only when there is truly nothing to do. */
describe('migrateToLatest on a migrated database', () => {
  let handle: PgliteHandle;
  beforeAll(async () => {
    handle = await freshPglite();
  });
  afterAll(() => handle?.close());

  it('applies nothing', async () => {
    expect(await migrateToLatest(handle.db)).toEqual([]);
  });

  it('still lets the Migrator report a migration this code does not know', async () => {
    await sql`INSERT INTO kysely_migration (name, timestamp) VALUES ('9999-from-the-future', '2026-01-01')`.execute(
      handle.db,
    );
    await expect(migrateToLatest(handle.db)).rejects.toThrow(/9999-from-the-future/);
  });
});
