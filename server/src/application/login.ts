import { DomainError } from '../domain/errors.js';
import type { PasswordHasher, RequestMeta, StaffUser, Transactor } from './ports.js';

interface Deps {
  readonly tx: Transactor;
  readonly hasher: PasswordHasher;
}

const invalid = (): DomainError =>
  new DomainError('INVALID_CREDENTIALS', 'Wrong username or password');

/**
 * Username + password → the staff user. A wrong username and a wrong password get the
 * same answer after the same hashing work, so the response does not reveal which
 * usernames exist. Both outcomes are audited.
 */
export const makeLogin =
  ({ tx, hasher }: Deps) =>
  async ({
    username,
    password,
    meta,
  }: {
    username: string;
    password: string;
    meta: RequestMeta;
  }): Promise<StaffUser> => {
    const found = await tx.run(({ users }) => users.findCredentials(username));
    const ok =
      found !== null && found.user.active
        ? await hasher.verify(found.passwordHash, password)
        : (await hasher.verifyDummy(password), false);
    await tx.run(({ audit }) =>
      audit.record({
        actor:
          found === null ? { type: 'anonymous', id: null } : { type: 'staff', id: found.user.id },
        action: ok ? 'auth.login_succeeded' : 'auth.login_failed',
        entity: 'user',
        entityId: found?.user.id ?? null,
        // The attempted username is not a secret, and makes failed logins traceable.
        after: { username },
        meta,
      }),
    );
    if (!ok || found === null) throw invalid();
    return found.user;
  };
