import type { Actor, StaffRole } from '../domain/actor.js';
import { DomainError, notFound } from '../domain/errors.js';
import { passwordProblems } from '../domain/password-policy.js';
import { requireAdmin } from './authorize.js';
import type { StaffUser } from '../domain/staff-user.js';
import type {
  Clock,
  ControlPublisher,
  DepartmentStore,
  Page,
  PasswordHasher,
  RequestMeta,
  Transactor,
  TxStores,
} from './ports.js';

interface Deps {
  readonly tx: Transactor<Pick<TxStores, 'users' | 'departments' | 'sessions' | 'audit'>>;
  readonly hasher: PasswordHasher;
  readonly clock: Clock;
  readonly control: ControlPublisher;
}

interface Call {
  readonly actor: Actor;
  readonly meta: RequestMeta;
}

export const requireStrongPassword = (password: string, username: string): void => {
  const problems = passwordProblems(password, username);
  if (problems.length > 0) {
    throw new DomainError('VALIDATION_FAILED', `Password ${problems.join(', ')}`, {
      field: 'password',
    });
  }
};

export const requireDepartmentsExist = async (
  departments: DepartmentStore,
  ids: readonly string[],
): Promise<void> => {
  const unique = [...new Set(ids)];
  if (unique.length === 0) return;
  const found = await departments.list({ ids: unique });
  if (found.length !== unique.length) throw notFound('Department');
};

/** What the audit log keeps of a user: never the password hash. */
const auditView = (u: StaffUser) => ({
  username: u.username,
  role: u.role,
  active: u.active,
  departmentIds: u.departmentIds,
});

export interface NewUser {
  readonly username: string;
  readonly password: string;
  readonly role: StaffRole;
  readonly departmentIds: readonly string[];
}

export interface UserChanges {
  readonly role?: StaffRole | undefined;
  readonly active?: boolean | undefined;
  readonly departmentIds?: readonly string[] | undefined;
  readonly password?: string | undefined;
}

/** Admin management of staff accounts. Passwords follow the policy on create and reset. */
export const makeUserAdmin = ({ tx, hasher, clock, control }: Deps) => ({
  list: async ({ actor, page }: { actor: Actor; page: Page }) => {
    requireAdmin(actor);
    return tx.run(({ users }) => users.list(page));
  },

  create: async ({ actor, meta, input }: Call & { input: NewUser }): Promise<StaffUser> => {
    requireAdmin(actor);
    requireStrongPassword(input.password, input.username);
    const passwordHash = await hasher.hash(input.password);
    return tx.run(async ({ users, departments, audit }) => {
      await requireDepartmentsExist(departments, input.departmentIds);
      const user = await users.create({
        username: input.username,
        passwordHash,
        role: input.role,
        departmentIds: [...new Set(input.departmentIds)],
      });
      await audit.record({
        actor,
        meta,
        action: 'user.created',
        entity: 'user',
        entityId: user.id,
        after: auditView(user),
      });
      return user;
    });
  },

  update: async ({
    actor,
    meta,
    id,
    changes,
  }: Call & { id: string; changes: UserChanges }): Promise<StaffUser> => {
    requireAdmin(actor);
    if (
      actor.id === id &&
      (changes.active === false || (changes.role !== undefined && changes.role !== 'admin'))
    ) {
      // An admin locking themselves out leaves a clinic with nobody to fix it.
      throw new DomainError(
        'VALIDATION_FAILED',
        'You cannot deactivate or demote your own account',
      );
    }
    const { after, sessionsRevoked } = await tx.run(
      async ({ users, departments, audit, sessions }) => {
        const before = await users.findById(id);
        if (before === null) throw notFound('User');
        let passwordHash: string | undefined;
        if (changes.password !== undefined) {
          requireStrongPassword(changes.password, before.username);
          passwordHash = await hasher.hash(changes.password);
        }
        if (changes.departmentIds !== undefined)
          await requireDepartmentsExist(departments, changes.departmentIds);
        const after = await users.update(id, {
          role: changes.role,
          active: changes.active,
          departmentIds:
            changes.departmentIds === undefined ? undefined : [...new Set(changes.departmentIds)],
          passwordHash,
        });
        if (after === null) throw notFound('User');
        // A reset password or a deactivated account ends every session the user had.
        const revokes = passwordHash !== undefined || changes.active === false;
        if (revokes) await sessions.revokeUserFamiliesExcept(id, null, clock.now());
        await audit.record({
          actor,
          meta,
          action: passwordHash === undefined ? 'user.updated' : 'user.password_reset',
          entity: 'user',
          entityId: id,
          before: auditView(before),
          after: auditView(after),
        });
        return { after, sessionsRevoked: revokes };
      },
    );
    // Every instance forgets the account's cached credential and ends the streams it may no
    // longer hold: all of them, or those of departments it lost (ADR 11).
    control.announce({
      kind: 'user_changed',
      userId: after.id,
      active: after.active,
      role: after.role,
      departmentIds: after.departmentIds,
      sessionsRevoked,
    });
    return after;
  },
});

export type UserAdmin = ReturnType<typeof makeUserAdmin>;
