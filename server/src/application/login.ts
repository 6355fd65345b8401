import { DomainError } from '../domain/errors.js';
import type { StaffUser } from '../domain/staff-user.js';
import type {
  Clock,
  DeviceTokens,
  PasswordHasher,
  Randomness,
  RequestMeta,
  SessionStore,
  Transactor,
  TxStores,
} from './ports.js';

/** SPEC: 5 failed logins lock the username for 15 minutes (also usernames that do not exist). */
export const LOCKOUT_FAILURES = 5;
export const LOCKOUT_WINDOW_MS = 15 * 60_000;
/** How long a refresh token (and so a login) lives without being used. */
export const REFRESH_TTL_MS = 12 * 60 * 60_000;

interface Deps {
  readonly tx: Transactor<Pick<TxStores, 'users' | 'sessions' | 'loginThrottle' | 'audit'>>;
  readonly hasher: PasswordHasher;
  readonly clock: Clock;
  readonly random: Randomness;
  readonly tokens: DeviceTokens;
  /** SESSION_MAX_HOURS: a login's absolute lifetime, however often it is refreshed. */
  readonly sessionMaxHours: number;
}

export interface Session {
  readonly user: StaffUser;
  /** The opaque refresh token (cookie), returned once. */
  readonly refreshToken: string;
  /** When that refresh token stops working (the cookie need not outlive it). */
  readonly refreshExpiresAt: Date;
  /** The session family, carried in access tokens as `sid`. */
  readonly sessionId: string;
}

/** When a login that started at `startedAt` ends, whatever its use (SESSION_MAX_HOURS). */
export const sessionEndsAt = (startedAt: Date, sessionMaxHours: number): Date =>
  new Date(startedAt.getTime() + sessionMaxHours * 60 * 60_000);

const invalid = (): DomainError =>
  new DomainError('INVALID_CREDENTIALS', 'Wrong username or password');

/**
 * Issues the next refresh token of a session family: a random token for the cookie, only
 * its hash stored. Login starts a family with it; every refresh continues one. Each token
 * lives REFRESH_TTL_MS from its issue, but never past the family's absolute end: rotation
 * alone would otherwise keep a stolen or forgotten session alive for ever.
 */
export const issueRefreshToken = async (
  deps: Pick<Deps, 'random' | 'tokens' | 'sessionMaxHours'>,
  sessions: SessionStore,
  s: { familyId: string; userId: string; startedAt: Date; now: Date; meta: RequestMeta },
): Promise<{ refreshToken: string; expiresAt: Date }> => {
  const refreshToken = deps.random.publicToken();
  const idleEnd = s.now.getTime() + REFRESH_TTL_MS;
  const expiresAt = new Date(
    Math.min(idleEnd, sessionEndsAt(s.startedAt, deps.sessionMaxHours).getTime()),
  );
  await sessions.create({
    id: deps.random.uuid(),
    familyId: s.familyId,
    userId: s.userId,
    tokenHash: deps.tokens.hash(refreshToken),
    startedAt: s.startedAt,
    expiresAt,
    ip: s.meta.ip,
    userAgent: s.meta.userAgent ?? null,
  });
  return { refreshToken, expiresAt };
};

/** Opens a session family for a user (login) and returns its first refresh token. */
const openSession = async (
  deps: Pick<Deps, 'tx' | 'random' | 'tokens' | 'sessionMaxHours'>,
  user: StaffUser,
  now: Date,
  meta: RequestMeta,
): Promise<{ refreshToken: string; refreshExpiresAt: Date; sessionId: string }> => {
  const familyId = deps.random.uuid();
  const issued = await deps.tx.run(({ sessions }) =>
    issueRefreshToken(deps, sessions, {
      familyId,
      userId: user.id,
      startedAt: now,
      now,
      meta,
    }),
  );
  return {
    refreshToken: issued.refreshToken,
    refreshExpiresAt: issued.expiresAt,
    sessionId: familyId,
  };
};

/**
 * Username + password → a session. A wrong username and a wrong password get the same
 * answer after the same hashing work, and lock out the same way, so responses do not
 * reveal which usernames exist. Every outcome is audited.
 */
export const makeLogin =
  (deps: Deps) =>
  async ({
    username,
    password,
    meta,
  }: {
    username: string;
    password: string;
    meta: RequestMeta;
  }): Promise<Session> => {
    const { tx, hasher, clock } = deps;
    const key = username.toLowerCase();
    const now = clock.now();
    const audit = (action: string, userId: string | null) =>
      tx.run(({ audit: log }) =>
        log.record({
          actor: userId === null ? { type: 'anonymous', id: null } : { type: 'staff', id: userId },
          action,
          entity: 'user',
          entityId: userId,
          // The attempted username is not a secret, and makes failed logins traceable.
          after: { username },
          meta,
        }),
      );

    const failures = await tx.run(({ loginThrottle }) =>
      loginThrottle.failuresSince(key, new Date(now.getTime() - LOCKOUT_WINDOW_MS)),
    );
    const fifthLatest = failures[failures.length - LOCKOUT_FAILURES];
    if (fifthLatest !== undefined) {
      const retryAfterSeconds = Math.max(
        1,
        Math.ceil((fifthLatest.getTime() + LOCKOUT_WINDOW_MS - now.getTime()) / 1000),
      );
      await audit('auth.login_locked', null);
      throw new DomainError('ACCOUNT_LOCKED', 'Too many failed logins; try again later', {
        retryAfterSeconds,
      });
    }

    const found = await tx.run(({ users }) => users.findCredentials(username));
    const ok =
      found !== null && found.user.active
        ? await hasher.verify(found.passwordHash, password)
        : (await hasher.verifyDummy(password), false);
    if (!ok || found === null) {
      await tx.run(({ loginThrottle }) => loginThrottle.recordFailure(key, now));
      await audit('auth.login_failed', found?.user.id ?? null);
      throw invalid();
    }
    await tx.run(({ loginThrottle }) => loginThrottle.clear(key));
    await audit('auth.login_succeeded', found.user.id);
    const session = await openSession(deps, found.user, now, meta);
    return { user: found.user, ...session };
  };
