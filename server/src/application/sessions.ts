import type { Actor } from '../domain/actor.js';
import { DomainError } from '../domain/errors.js';
import { issueRefreshToken, sessionEndsAt, type Session } from './login.js';
import { requireStrongPassword } from './admin-users.js';
import type {
  Clock,
  ControlPublisher,
  DeviceTokens,
  PasswordHasher,
  Randomness,
  RequestMeta,
  Transactor,
  TxStores,
} from './ports.js';

interface Deps {
  readonly tx: Transactor<Pick<TxStores, 'users' | 'sessions' | 'audit'>>;
  readonly clock: Clock;
  readonly random: Randomness;
  readonly tokens: DeviceTokens;
  readonly hasher: PasswordHasher;
  readonly sessionMaxHours: number;
  readonly control: ControlPublisher;
}

const expired = (): DomainError =>
  new DomainError('UNAUTHENTICATED', 'The session has ended; log in again');

/**
 * Refresh-token rotation with reuse detection (OWASP / OAuth 2.1 BCP): every refresh spends
 * the presented token and issues the next one in the same family. A spent token presented
 * again means two parties hold it — the family is revoked and both must log in again.
 */
export const makeSessions = ({
  tx,
  clock,
  random,
  tokens,
  hasher,
  sessionMaxHours,
  control,
}: Deps) => ({
  refresh: async ({
    refreshToken,
    meta,
  }: {
    refreshToken: string;
    meta: RequestMeta;
  }): Promise<Session> => {
    const now = clock.now();
    const result = await tx.run(async ({ sessions, users, audit }) => {
      const current = await sessions.lockByTokenHash(tokens.hash(refreshToken));
      if (current === null) return { kind: 'unknown' as const };
      if (current.rotatedAt !== null) {
        await sessions.revokeFamily(current.familyId, now);
        await audit.record({
          actor: { type: 'staff', id: current.userId },
          action: 'auth.refresh_reused',
          entity: 'session',
          entityId: current.familyId,
          meta,
        });
        return { kind: 'reused' as const, familyId: current.familyId };
      }
      if (current.revokedAt !== null) return { kind: 'revoked' as const };
      if (current.expiresAt.getTime() <= now.getTime()) return { kind: 'expired' as const };
      // The token's own expiry already stops at the family's end (issueRefreshToken); this
      // also ends families issued before SESSION_MAX_HOURS existed, or before it was lowered.
      if (sessionEndsAt(current.startedAt, sessionMaxHours).getTime() <= now.getTime()) {
        return { kind: 'expired' as const };
      }
      const user = await users.findById(current.userId);
      if (user === null || !user.active) return { kind: 'expired' as const };
      await sessions.markRotated(current.id, now);
      const next = await issueRefreshToken({ random, tokens, sessionMaxHours }, sessions, {
        familyId: current.familyId,
        userId: user.id,
        startedAt: current.startedAt,
        now,
        meta,
      });
      return {
        kind: 'ok' as const,
        session: {
          user,
          refreshToken: next.refreshToken,
          refreshExpiresAt: next.expiresAt,
          sessionId: current.familyId,
        },
      };
    });
    // The reuse revocation above must commit, so the refusal is thrown after the transaction
    // (and the family's open streams end on every instance).
    if (result.kind === 'reused')
      control.announce({ kind: 'session_revoked', sessionId: result.familyId });
    if (result.kind !== 'ok') throw expired();
    return result.session;
  },

  logout: async ({
    refreshToken,
    meta,
  }: {
    refreshToken: string;
    meta: RequestMeta;
  }): Promise<void> => {
    const now = clock.now();
    const familyId = await tx.run(async ({ sessions, audit }) => {
      const current = await sessions.lockByTokenHash(tokens.hash(refreshToken));
      if (current === null) return null;
      await sessions.revokeFamily(current.familyId, now);
      await audit.record({
        actor: { type: 'staff', id: current.userId },
        action: 'auth.logout',
        entity: 'session',
        entityId: current.familyId,
        meta,
      });
      return current.familyId;
    });
    if (familyId !== null) control.announce({ kind: 'session_revoked', sessionId: familyId });
  },

  /** Changes the caller's password and revokes every other session of theirs. */
  changePassword: async ({
    actor,
    sessionId,
    currentPassword,
    newPassword,
    meta,
  }: {
    actor: Actor;
    sessionId: string | null;
    currentPassword: string;
    newPassword: string;
    meta: RequestMeta;
  }): Promise<void> => {
    if (actor.type !== 'staff')
      throw new DomainError('FORBIDDEN', 'Only staff accounts have passwords');
    const user = await tx.run(({ users }) => users.findById(actor.id));
    if (user === null) throw expired();
    const credentials = await tx.run(({ users }) => users.findCredentials(user.username));
    if (credentials === null || !(await hasher.verify(credentials.passwordHash, currentPassword))) {
      throw new DomainError('INVALID_CREDENTIALS', 'The current password is wrong');
    }
    requireStrongPassword(newPassword, user.username);
    const passwordHash = await hasher.hash(newPassword);
    const now = clock.now();
    await tx.run(async ({ users, sessions, audit }) => {
      await users.update(user.id, { passwordHash });
      await sessions.revokeUserFamiliesExcept(user.id, sessionId, now);
      await audit.record({
        actor,
        meta,
        action: 'user.password_changed',
        entity: 'user',
        entityId: user.id,
      });
    });
    control.announce({
      kind: 'user_sessions_revoked',
      userId: user.id,
      exceptSessionId: sessionId,
    });
  },
});

export type Sessions = ReturnType<typeof makeSessions>;
