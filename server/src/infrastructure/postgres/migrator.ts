import { Migrator, type Kysely, type Migration, type MigrationProvider } from 'kysely';
import * as core from './migrations/0001-core.js';
import * as sessions from './migrations/0002-sessions.js';

/**
 * Migrations are listed here rather than read from a folder: the same list works from
 * `src/` under tsx, from `dist/` after a build, and inside the Docker image.
 */
const migrations: Record<string, Migration> = {
  '0001-core': core,
  '0002-sessions': sessions,
};

const provider: MigrationProvider = { getMigrations: () => Promise.resolve(migrations) };

export const migrateToLatest = async <DB>(db: Kysely<DB>): Promise<string[]> => {
  const migrator = new Migrator({ db, provider });
  const { error, results } = await migrator.migrateToLatest();
  if (error !== undefined) throw error instanceof Error ? error : new Error('migration failed');
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
};
