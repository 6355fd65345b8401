import { openDatabase } from '../compose.js';
import { loadConfig } from '../config.js';
import { passwordProblems } from '../domain/password-policy.js';
import { migrateToLatest } from '../infrastructure/postgres/migrator.js';
import { makeArgon2Hasher } from '../infrastructure/security/argon2-hasher.js';
import { makeTransactor } from '../infrastructure/postgres/transactor.js';
import { systemClock } from '../infrastructure/time/system-clock.js';
import { cliOptions, fail } from './args.js';

/**
 * `npm run admin:create -- --username u --password p`: the only way to make the first
 * admin (never over HTTP). Creates the account, or resets its password and reactivates it.
 */
const run = async (): Promise<void> => {
  const { username, password } = cliOptions(['username', 'password']);
  if (username === undefined || password === undefined) {
    return fail('Usage: npm run admin:create -- --username <name> --password <password>');
  }
  if (!/^[A-Za-z0-9._-]{3,64}$/.test(username)) {
    return fail('The username must be 3–64 letters, digits, dots, dashes or underscores.');
  }
  const problems = passwordProblems(password, username);
  if (problems.length > 0) return fail(`Password rejected: it ${problems.join(', ')}.`);

  const { config } = loadConfig(process.env);
  const database = await openDatabase(config);
  try {
    await migrateToLatest(database.db);
    const hash = await makeArgon2Hasher().hash(password);
    const { user, created } = await makeTransactor(database.db, systemClock).run(
      async ({ users, audit, sessions }) => {
        const result = await users.upsertAdmin(username, hash);
        // A reset from the CLI is a recovery: end whatever sessions the account had.
        await sessions.revokeUserFamiliesExcept(result.user.id, null, systemClock.now());
        await audit.record({
          actor: { type: 'system', id: 'cli' },
          action: result.created ? 'user.created' : 'user.password_reset',
          entity: 'user',
          entityId: result.user.id,
          after: { username, role: 'admin', source: 'cli' },
          meta: { ip: null, requestId: null },
        });
        return result;
      },
    );
    process.stdout.write(
      `${created ? 'Created' : 'Reset'} admin "${user.username}" (${user.id}).\n`,
    );
  } finally {
    await database.close();
  }
};

run().catch((err: unknown) =>
  fail(`admin:create failed: ${err instanceof Error ? err.message : String(err)}`),
);
