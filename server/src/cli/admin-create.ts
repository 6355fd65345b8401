import { migrateDatabase, openDatabase } from '../compose.js';
import { loadConfig } from '../config.js';
import { systemClock } from '../infrastructure/time/system-clock.js';
import { createOrResetAdmin, passwordProblem, usernameProblem } from './admin-account.js';
import { cliOptions, fail, failureMessage } from './args.js';

const usage = 'Usage: npm run admin:create -- --username <name> --password <password>';

/**
 * `npm run admin:create -- --username u --password p`: makes the first admin outside HTTP
 * (with `npm start`'s first-run question). Creates the account, or resets its password
 * and reactivates it.
 */
const run = async (): Promise<void> => {
  const { username, password } = cliOptions(['username', 'password'], usage);
  if (username === undefined || password === undefined) return fail(usage);
  const problem = usernameProblem(username) ?? passwordProblem(password, username);
  if (problem !== null) return fail(problem);

  const { config } = loadConfig(process.env);
  const database = await openDatabase(config);
  try {
    await migrateDatabase(config, database);
    const { user, created } = await createOrResetAdmin(database.db, systemClock, {
      username,
      password,
    });
    process.stdout.write(
      `${created ? 'Created' : 'Reset'} admin "${user.username}" (${user.id}).\n`,
    );
  } finally {
    await database.close();
  }
};

run().catch((err: unknown) => fail(failureMessage('admin:create', err)));
