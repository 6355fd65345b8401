import type { Actor } from '../domain/actor.js';
import type { Device } from '../domain/device.js';
import type { StaffUser } from '../domain/staff-user.js';
import type { ControlMessage, Transactor, TxStores } from './ports.js';

/**
 * The credentials behind requests and open streams, looked up once per few seconds instead
 * of once per request or stream (ADR 11, amending ADR 6). Correctness does not rest on the
 * time limit: every revocation is announced on the bus after commit and drops the entries
 * it concerns on every instance (`forget`), so a revoked session is refused at once. The
 * time limit only bounds what a lost announcement (Redis down) could leave behind.
 *
 * Only positive answers are kept: a refused credential is looked up again each time, so a
 * reactivated account or device works at once. Concurrent lookups of one credential share
 * one query (a reconnect storm of one board's streams is one lookup).
 */
export const CREDENTIAL_TTL_MS = 5_000;
const MAX_ENTRIES = 50_000;

interface Entry<T> {
  /** Both clocks: the application's (it may be moved in tests) and a monotonic one. */
  readonly at: number;
  readonly elapsedAt: number;
  readonly value: Promise<T | null>;
  settled: boolean;
  readonly userId?: string;
  readonly sessionId?: string;
  deviceId?: string;
}

interface Deps {
  readonly tx: Transactor<Pick<TxStores, 'users' | 'devices'>>;
  readonly clock: { now(): Date };
  /** Milliseconds of a monotonic clock (performance.now): a frozen test clock still expires entries. */
  readonly elapsed?: () => number;
}

export const makeCredentials = ({ tx, clock, elapsed = () => performance.now() }: Deps) => {
  const entries = new Map<string, Entry<StaffUser | Device>>();

  const cached = <T extends StaffUser | Device>(
    key: string,
    lookup: () => Promise<T | null>,
    subject: { userId?: string; sessionId?: string; deviceId?: string },
  ): Promise<T | null> => {
    const now = clock.now().getTime();
    const mono = elapsed();
    const hit = entries.get(key);
    if (hit !== undefined) {
      const age = now - hit.at;
      if (age >= 0 && age < CREDENTIAL_TTL_MS && mono - hit.elapsedAt < CREDENTIAL_TTL_MS) {
        return hit.value as Promise<T | null>;
      }
      entries.delete(key);
    }
    if (entries.size >= MAX_ENTRIES) entries.clear();
    const entry: Entry<T> = {
      at: now,
      elapsedAt: mono,
      value: lookup(),
      settled: false,
      ...subject,
    };
    entries.set(key, entry);
    entry.value.then(
      (found) => {
        entry.settled = true;
        if (found === null) {
          if (entries.get(key) === entry) entries.delete(key);
        } else if ('kind' in found) {
          entry.deviceId = found.id;
        }
      },
      () => {
        if (entries.get(key) === entry) entries.delete(key);
      },
    );
    return entry.value;
  };

  const active = <T extends { active: boolean }>(found: T | null): T | null =>
    found !== null && found.active ? found : null;

  const staff = (userId: string, sessionId: string | undefined): Promise<StaffUser | null> =>
    cached(
      `s:${userId}:${sessionId ?? ''}`,
      async () =>
        active(
          await tx.autocommit(({ users }) =>
            sessionId === undefined
              ? users.findById(userId)
              : users.findInOpenSession(userId, sessionId),
          ),
        ),
      { userId, ...(sessionId !== undefined && { sessionId }) },
    );

  const deviceById = (id: string): Promise<Device | null> =>
    cached(
      `d:${id}`,
      async () => active(await tx.autocommit(({ devices }) => devices.findById(id))),
      { deviceId: id },
    );

  return {
    /** The user, active and (with a session id) in an open session; or null. */
    staff,
    /** The active device holding this token (looked up by its hash); or null. */
    deviceByTokenHash: (tokenHash: string): Promise<Device | null> =>
      cached(
        `t:${tokenHash}`,
        () => tx.autocommit(({ devices }) => devices.findActiveByTokenHash(tokenHash)),
        {},
      ),

    /**
     * The actor as its credential stands now — role and departments re-read, not the ones
     * it was issued with (a stream ticket carries its issuer's scope) — or null if revoked.
     */
    current: async (actor: Actor): Promise<Actor | null> => {
      switch (actor.type) {
        case 'staff': {
          const user = await staff(actor.id, actor.sessionId);
          if (user === null) return null;
          return {
            type: 'staff',
            id: user.id,
            role: user.role,
            departmentIds: user.departmentIds,
            ...(actor.sessionId !== undefined && { sessionId: actor.sessionId }),
          };
        }
        case 'kiosk':
        case 'board': {
          const device = await deviceById(actor.id);
          return device === null || device.kind !== actor.type
            ? null
            : { type: device.kind, id: device.id, departmentIds: device.departmentIds };
        }
        case 'system':
          return actor;
        default: {
          const unreachable: never = actor;
          return unreachable;
        }
      }
    },

    /**
     * Drops what a committed change made stale, and every lookup still in flight (it may
     * have read the row before the change committed).
     */
    forget: (message: ControlMessage): void => {
      const stale = (e: Entry<StaffUser | Device>): boolean => {
        if (!e.settled) return true;
        switch (message.kind) {
          case 'session_revoked':
            return e.sessionId === message.sessionId;
          case 'user_sessions_revoked':
          case 'user_changed':
            return e.userId === message.userId;
          case 'device_changed':
            return e.deviceId === message.deviceId;
          case 'department_changed':
            return false;
          default: {
            const unreachable: never = message;
            return unreachable;
          }
        }
      };
      for (const [key, e] of entries) if (stale(e)) entries.delete(key);
    },

    /** Forgets everything (the bus reconnected: announcements may have been lost). */
    clear: (): void => entries.clear(),
  };
};

export type Credentials = ReturnType<typeof makeCredentials>;
