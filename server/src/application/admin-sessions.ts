import type { Actor } from '../domain/actor.js';
import { notFound } from '../domain/errors.js';
import { requireAdmin } from './authorize.js';
import type { ActiveSession } from '../domain/session.js';
import type { Clock, ControlPublisher, RequestMeta, Transactor, TxStores } from './ports.js';

interface Deps {
  readonly tx: Transactor<Pick<TxStores, 'users' | 'sessions' | 'audit'>>;
  readonly clock: Clock;
  readonly control: ControlPublisher;
}

/**
 * An admin's view of a user's logins, and the power to end one (a lost phone, a shared
 * computer left signed in). A session is a refresh-token family: its id is the family id,
 * the `sid` every access token of that login carries.
 */
export const makeSessionAdmin = ({ tx, clock, control }: Deps) => ({
  list: async ({ actor, userId }: { actor: Actor; userId: string }): Promise<ActiveSession[]> => {
    requireAdmin(actor);
    const now = clock.now();
    return tx.run(async ({ users, sessions }) => {
      if ((await users.findById(userId)) === null) throw notFound('User');
      return sessions.listActive(userId, now);
    });
  },

  /**
   * Revokes the family: its refresh token fails at once, its access tokens are refused on
   * their next request and its open streams end, on every instance (the revocation is
   * announced after commit; ADR 11). Revoking a session that has already ended changes
   * nothing and records nothing.
   */
  revoke: async ({
    actor,
    meta,
    sessionId,
  }: {
    actor: Actor;
    meta: RequestMeta;
    sessionId: string;
  }): Promise<void> => {
    requireAdmin(actor);
    const now = clock.now();
    await tx.run(async ({ sessions, audit }) => {
      const userId = await sessions.familyOwner(sessionId);
      if (userId === null) throw notFound('Session');
      if (!(await sessions.familyActive(sessionId, now))) return;
      await sessions.revokeFamily(sessionId, now);
      await audit.record({
        actor,
        meta,
        action: 'session.revoked',
        entity: 'session',
        entityId: sessionId,
        before: { userId, active: true },
        after: { userId, active: false },
      });
    });
    // Also when it had already ended (expired): a stream still open on it ends now.
    control.announce({ kind: 'session_revoked', sessionId });
  },
});

export type SessionAdmin = ReturnType<typeof makeSessionAdmin>;
