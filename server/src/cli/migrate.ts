import { migrateDatabase, openDatabase } from '../compose.js';
import { loadConfig } from '../config.js';
import { fail, failureMessage } from './args.js';

/**
 * `npm run migrate`: applies pending migrations as the owner (DATABASE_MIGRATION_URL, else
 * DATABASE_URL) and, when DATABASE_URL is another role, creates it if missing and sets its
 * grants (ADR 8). Exits.
 */
const run = async (): Promise<void> => {
  const { config } = loadConfig(process.env);
  const database = await openDatabase(config);
  try {
    const { applied, appRole } = await migrateDatabase(config, database);
    process.stdout.write(
      applied.length === 0 ? 'Database is up to date.\n' : `Applied: ${applied.join(', ')}\n`,
    );
    if (appRole !== null) process.stdout.write(`Application role "${appRole}": grants set.\n`);
  } finally {
    await database.close();
  }
};

run().catch((err: unknown) => fail(failureMessage('migrate', err)));
