import { coversDepartment, type Actor } from '../../domain/actor.js';
import type { Credentials } from '../credentials.js';
import type { ControlMessage } from '../ports.js';

/**
 * The open streams that hold a credential, so that a revocation ends them on every
 * instance within the bus's latency (ADR 11) instead of at a polled heartbeat: logout, an
 * admin's session revoke, a password change (the other sessions), deactivation, a change
 * of role or departments (a staff stream for a department no longer covered ends), a
 * revoked board or one given other departments (it reconnects and gets its new ones).
 *
 * `recheck` is the backstop for an announcement lost while the bus was down: one
 * credential lookup per distinct credential, not per stream.
 */
export interface Endable {
  end(): void;
}

export interface Guarded {
  readonly actor: Actor;
  /** The department a staff stream shows; null for a board. */
  readonly departmentId: string | null;
  readonly stream: Endable;
}

const subjectOf = (actor: Actor): string => `${actor.type}:${actor.id}`;

const sameSet = (a: readonly string[], b: readonly string[]): boolean =>
  a.length === b.length && a.every((x) => b.includes(x));

/** Whether a stream opened by `g` may go on under the credential as it now stands. */
const stillCovered = (g: Guarded, now: Actor): boolean => {
  if (g.departmentId !== null) return coversDepartment(now, g.departmentId);
  if (now.type === 'board' && g.actor.type === 'board') {
    return sameSet(now.departmentIds, g.actor.departmentIds);
  }
  return true;
};

export const makeStreamGuard = ({
  credentials,
  onError,
}: {
  credentials: Credentials;
  onError: (err: unknown) => void;
}) => {
  const bySubject = new Map<string, Set<Guarded>>();
  const bySession = new Map<string, Set<Guarded>>();

  const index = (map: Map<string, Set<Guarded>>, key: string, g: Guarded): void => {
    let set = map.get(key);
    if (set === undefined) map.set(key, (set = new Set()));
    set.add(g);
  };
  const unindex = (map: Map<string, Set<Guarded>>, key: string, g: Guarded): void => {
    const set = map.get(key);
    if (set === undefined) return;
    set.delete(g);
    if (set.size === 0) map.delete(key);
  };
  const sessionOf = (g: Guarded): string | undefined =>
    g.actor.type === 'staff' ? g.actor.sessionId : undefined;

  const endWhere = (set: Set<Guarded> | undefined, condition: (g: Guarded) => boolean): void => {
    for (const g of [...(set ?? [])]) if (condition(g)) g.stream.end();
  };

  /** Checks `gs` (one credential) against the credential as it stands now. */
  const verify = (gs: readonly Guarded[]): void => {
    const first = gs[0];
    if (first === undefined) return;
    credentials.current(first.actor).then((now) => {
      for (const g of gs) if (now === null || !stillCovered(g, now)) g.stream.end();
    }, onError);
  };

  return {
    /**
     * Guards a stream until the returned function is called (its end). Checked once on the
     * way in too: a revocation that committed while the stream was opening is not missed.
     */
    admit: (g: Guarded): (() => void) => {
      index(bySubject, subjectOf(g.actor), g);
      const sid = sessionOf(g);
      if (sid !== undefined) index(bySession, sid, g);
      verify([g]);
      return () => {
        unindex(bySubject, subjectOf(g.actor), g);
        if (sid !== undefined) unindex(bySession, sid, g);
      };
    },

    /** Ends the streams a committed control change takes away (synchronously). */
    apply: (m: ControlMessage): void => {
      switch (m.kind) {
        case 'session_revoked':
          endWhere(bySession.get(m.sessionId), () => true);
          return;
        case 'user_sessions_revoked':
          endWhere(bySubject.get(`staff:${m.userId}`), (g) => sessionOf(g) !== m.exceptSessionId);
          return;
        case 'user_changed': {
          const now: Actor = {
            type: 'staff',
            id: m.userId,
            role: m.role,
            departmentIds: m.departmentIds,
          };
          const gone = m.sessionsRevoked || !m.active;
          endWhere(bySubject.get(`staff:${m.userId}`), (g) => gone || !stillCovered(g, now));
          return;
        }
        case 'device_changed':
          for (const kind of ['board', 'kiosk'] as const) {
            const now: Actor = { type: kind, id: m.deviceId, departmentIds: m.departmentIds };
            endWhere(
              bySubject.get(`${kind}:${m.deviceId}`),
              (g) => !m.active || !stillCovered(g, now),
            );
          }
          return;
        case 'department_changed':
          return;
        default: {
          const unreachable: never = m;
          return unreachable;
        }
      }
    },

    /** The backstop: every distinct credential with open streams, checked once. */
    recheck: (): void => {
      const groups = new Map<string, Guarded[]>();
      for (const set of bySubject.values()) {
        for (const g of set) {
          const key = `${subjectOf(g.actor)}:${sessionOf(g) ?? ''}`;
          const list = groups.get(key);
          if (list === undefined) groups.set(key, [g]);
          else list.push(g);
        }
      }
      for (const gs of groups.values()) verify(gs);
    },

    get size(): number {
      let n = 0;
      for (const set of bySubject.values()) n += set.size;
      return n;
    },
  };
};

export type StreamGuard = ReturnType<typeof makeStreamGuard>;
