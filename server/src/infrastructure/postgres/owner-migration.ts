import type { Logger } from 'pino';
import { ensureAppRole, roleOfUrl } from './app-role.js';
import { migrateToLatest } from './migrator.js';
import { openPostgres } from './pg-database.js';

export interface OwnerMigration {
  readonly applied: string[];
  /** The application role whose grants were set, or null when the app connects as the owner. */
  readonly appRole: string | null;
}

/**
 * Migrations as the owner (DATABASE_MIGRATION_URL), then the application role's grants
 * (DATABASE_URL's user; ADR 8), over a connection of its own that is closed at once: the
 * service's pool never holds the owner's rights. No statement timeout: a migration that
 * rebuilds an index on a large table must not be cut off halfway (it would roll back).
 */
export const migrateAsOwner = async ({
  ownerUrl,
  appUrl,
  logger,
}: {
  ownerUrl: string;
  appUrl: string;
  logger?: Logger;
}): Promise<OwnerMigration> => {
  const owner = openPostgres({
    connectionString: ownerUrl,
    poolSize: 1,
    statementTimeoutMs: 0,
    ...(logger && { logger }),
  });
  try {
    const applied = await migrateToLatest(owner.db);
    const app = roleOfUrl(appUrl);
    if (app === null) {
      throw new Error(
        'DATABASE_URL names no user: with DATABASE_MIGRATION_URL set, DATABASE_URL must log in as the application role',
      );
    }
    if (app.name === roleOfUrl(ownerUrl)?.name) return { applied, appRole: null };
    await ensureAppRole(owner.db, app);
    return { applied, appRole: app.name };
  } finally {
    await owner.close();
  }
};
