import { openDatabase } from '../compose.js';
import { loadConfig } from '../config.js';
import { migrateToLatest } from '../infrastructure/postgres/migrator.js';
import { fail } from './args.js';

/** `npm run migrate`: applies pending migrations and exits. */
const run = async (): Promise<void> => {
  const { config } = loadConfig(process.env);
  const database = await openDatabase(config);
  try {
    const applied = await migrateToLatest(database.db);
    process.stdout.write(
      applied.length === 0 ? 'Database is up to date.\n' : `Applied: ${applied.join(', ')}\n`,
    );
  } finally {
    await database.close();
  }
};

run().catch((err: unknown) =>
  fail(`Migration failed: ${err instanceof Error ? err.message : String(err)}`),
);
