import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { migrateToLatest } from '../src/infrastructure/postgres/migrator.js';
import { assertTestDatabase, TEMPLATE_DB, urlFor, withAdminClient } from './support/postgres.js';

/** Once per test run: a freshly migrated template database every test file clones. */
export default async function setup(): Promise<() => Promise<void>> {
  assertTestDatabase(TEMPLATE_DB);
  await withAdminClient(async (c) => {
    await c.query(`DROP DATABASE IF EXISTS ${TEMPLATE_DB} WITH (FORCE)`);
    await c.query(`CREATE DATABASE ${TEMPLATE_DB}`);
  });
  const pool = new pg.Pool({ connectionString: urlFor(TEMPLATE_DB), max: 1 });
  const db = new Kysely<unknown>({ dialect: new PostgresDialect({ pool }) });
  try {
    await migrateToLatest(db);
  } finally {
    await db.destroy();
  }
  return async () => {
    // Clones left behind by a crashed run are swept here too.
    await withAdminClient(async (c) => {
      const { rows } = await c.query<{ datname: string }>(
        "SELECT datname FROM pg_database WHERE datname LIKE 'mediqueue\\_test\\_%'",
      );
      for (const { datname } of rows) {
        assertTestDatabase(datname);
        await c.query(`DROP DATABASE IF EXISTS ${datname} WITH (FORCE)`);
      }
    });
  };
}
