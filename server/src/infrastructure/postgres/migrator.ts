import { Migrator, sql, type Kysely, type Migration, type MigrationProvider } from 'kysely';
import * as core from './migrations/0001-core.js';
import * as sessions from './migrations/0002-sessions.js';
import * as sessionDetails from './migrations/0003-session-details-and-reports.js';
import * as scheduledJobs from './migrations/0004-scheduled-jobs.js';

/**
 * Migrations are listed here rather than read from a folder: the same list works from
 * `src/` under tsx, from `dist/` after a build, and inside the Docker image.
 */
const migrations: Record<string, Migration> = {
  '0001-core': core,
  '0002-sessions': sessions,
  '0003-session-details-and-reports': sessionDetails,
  '0004-scheduled-jobs': scheduledJobs,
};

const provider: MigrationProvider = { getMigrations: () => Promise.resolve(migrations) };

/**
 * Whether the database has run exactly the migrations listed here. kysely's Migrator
 * answers that too, but only after introspecting the whole catalog twice and taking its
 * lock: about half a second on PGlite at every start (issue 13, restart time). Anything
 * else — a new database, a missing or an unknown migration — goes to the Migrator, whose
 * lock keeps concurrent instances apart and whose checks report what is wrong.
 */
const upToDate = async <DB>(db: Kysely<DB>): Promise<boolean> => {
  const { rows: table } = await sql<{ present: boolean }>`
    SELECT to_regclass('kysely_migration') IS NOT NULL AS present`.execute(db);
  if (table[0]?.present !== true) return false;
  const { rows } = await sql<{ name: string }>`SELECT name FROM kysely_migration`.execute(db);
  const known = Object.keys(migrations);
  return rows.length === known.length && rows.every((r) => known.includes(r.name));
};

export const migrateToLatest = async <DB>(db: Kysely<DB>): Promise<string[]> => {
  if (await upToDate(db)) return [];
  const migrator = new Migrator({ db, provider });
  const { error, results } = await migrator.migrateToLatest();
  if (error !== undefined) throw error instanceof Error ? error : new Error('migration failed');
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
};
