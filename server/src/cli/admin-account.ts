import { sql, type Kysely } from 'kysely';
import type { Clock } from '../application/ports.js';
import { passwordProblems } from '../domain/password-policy.js';
import type { Database } from '../infrastructure/postgres/schema.js';
import { makeTransactor } from '../infrastructure/postgres/transactor.js';
import { makeArgon2Hasher } from '../infrastructure/security/argon2-hasher.js';

/**
 * The first admin, made outside HTTP: by `npm run admin:create` and by `npm start`'s
 * first-run question. One copy of the rules and the writes, so both doors are the same.
 */

/** Why `username` cannot be an admin's name, or `null` (the same rule as the admin API). */
export const usernameProblem = (username: string): string | null =>
  /^[A-Za-z0-9._-]{3,64}$/.test(username)
    ? null
    : 'The username must be 3–64 letters, digits, dots, dashes or underscores.';

/** Why the password is refused (SPEC password policy), or `null`. */
export const passwordProblem = (password: string, username: string): string | null => {
  const problems = passwordProblems(password, username);
  return problems.length === 0 ? null : `Password rejected: it ${problems.join(', ')}.`;
};

/** Whether anyone can sign in as an admin. */
export const hasActiveAdmin = async (db: Kysely<Database>): Promise<boolean> => {
  const row = await db
    .selectFrom('users')
    .select(sql<number>`1`.as('one'))
    .where('role', '=', 'admin')
    .where('active', '=', true)
    .limit(1)
    .executeTakeFirst();
  return row !== undefined;
};

/** Creates the account, or resets its password and reactivates it; both are audited. */
export const createOrResetAdmin = async (
  db: Kysely<Database>,
  clock: Clock,
  credentials: { username: string; password: string },
): Promise<{ user: { id: string; username: string }; created: boolean }> => {
  const { username } = credentials;
  const hash = await makeArgon2Hasher().hash(credentials.password);
  return makeTransactor(db, clock).run(async ({ users, audit, sessions }) => {
    const result = await users.upsertAdmin(username, hash);
    // A reset from the CLI is a recovery: end whatever sessions the account had.
    await sessions.revokeUserFamiliesExcept(result.user.id, null, clock.now());
    await audit.record({
      actor: { type: 'system', id: 'cli' },
      action: result.created ? 'user.created' : 'user.password_reset',
      entity: 'user',
      entityId: result.user.id,
      after: { username, role: 'admin', source: 'cli' },
      meta: { ip: null, requestId: null },
    });
    return result;
  });
};
