import type { VisitEvent } from '../../domain/events.js';
import type { EventBus, EventLog } from '../ports.js';

/**
 * Live department events for this instance: one bus subscription per department that has
 * followers, fanned out locally. The bus is only a doorbell; this is where its faults are
 * repaired from the event log, so every follower sees every event once, in order:
 *
 * - a repeated or stale event (id ≤ last forwarded) is dropped;
 * - a gap (id > last + 1) is filled from the log before the event is forwarded;
 * - after the bus reconnects, each department catches up from the log.
 */
export interface FeedFollower {
  send(event: VisitEvent): void;
}

export interface FeedSubscription {
  /**
   * Go live from `cursor`: events after it come from the log, then live. `'now'` skips
   * the history (followers that recompute a view on each change).
   */
  start(cursor: number | 'now'): Promise<void>;
  close(): void;
}

/** Above this many missed events a client is better served by a fresh snapshot. */
export const MAX_CATCH_UP = 1000;

interface Follower {
  readonly target: FeedFollower;
  cursor: number;
  live: boolean;
  buffer: VisitEvent[];
}

interface Channel {
  readonly departmentId: string;
  lastSeen: number;
  readonly followers: Set<Follower>;
  /** Serializes event handling (gap fills are async) so order is kept. */
  chain: Promise<void>;
  ready: Promise<void>;
  unsubscribe: () => Promise<void>;
}

export const makeDepartmentFeeds = ({
  log,
  bus,
  onError = () => {},
  onForward = () => {},
}: {
  log: EventLog;
  bus: EventBus;
  onError?: (err: unknown) => void;
  /** Told once per event this instance forwards (fan-out lag metric). */
  onForward?: (event: VisitEvent) => void;
}) => {
  const channels = new Map<string, Channel>();

  const forward = (ch: Channel, event: VisitEvent): void => {
    ch.lastSeen = event.eventId;
    onForward(event);
    for (const f of ch.followers) {
      if (!f.live) f.buffer.push(event);
      else if (event.eventId > f.cursor) {
        f.cursor = event.eventId;
        f.target.send(event);
      }
    }
  };

  /** Brings the channel up to `upTo` (or the log's head) from the log. */
  const fill = async (ch: Channel, upTo: number | null): Promise<void> => {
    for (;;) {
      const limit = upTo === null ? 500 : Math.min(500, upTo - ch.lastSeen);
      if (limit <= 0) return;
      const missing = await log.readAfter(ch.departmentId, ch.lastSeen, limit);
      for (const e of missing) if (e.eventId > ch.lastSeen) forward(ch, e);
      if (missing.length < limit) return;
    }
  };

  const handle = (ch: Channel, event: VisitEvent): void => {
    ch.chain = ch.chain
      .then(async () => {
        await ch.ready;
        if (event.eventId <= ch.lastSeen) return;
        if (event.eventId > ch.lastSeen + 1) await fill(ch, event.eventId - 1);
        if (event.eventId > ch.lastSeen) forward(ch, event);
      })
      .catch(onError);
  };

  const open = (departmentId: string): Channel => {
    const existing = channels.get(departmentId);
    if (existing !== undefined) return existing;
    const ch: Channel = {
      departmentId,
      lastSeen: 0,
      followers: new Set(),
      chain: Promise.resolve(),
      ready: Promise.resolve(),
      unsubscribe: () => Promise.resolve(),
    };
    // Subscribe first, then read the head: an event committed in between is either above
    // the head (delivered live) or at/below it (already counted) — never lost.
    ch.ready = (async () => {
      ch.unsubscribe = await bus.subscribe(departmentId, (e) => handle(ch, e));
      ch.lastSeen = (await log.head(departmentId)).lastEventId;
    })();
    ch.ready.catch(() => channels.delete(departmentId));
    channels.set(departmentId, ch);
    return ch;
  };

  bus.onReconnect(() => {
    for (const ch of channels.values()) {
      ch.chain = ch.chain.then(() => fill(ch, null)).catch(onError);
    }
  });

  return {
    /**
     * Registers a follower. Events are buffered until `start(cursor)`, which sends the
     * logged events after `cursor` and then goes live — so nothing between the caller's
     * snapshot (or Last-Event-ID) and the live stream is missed or repeated.
     */
    follow: async (departmentId: string, target: FeedFollower): Promise<FeedSubscription> => {
      const ch = open(departmentId);
      await ch.ready;
      const f: Follower = { target, cursor: 0, live: false, buffer: [] };
      ch.followers.add(f);
      return {
        start: async (cursor) => {
          // Run inside the channel's chain so catch-up and live events interleave in order.
          const run = ch.chain.then(async () => {
            f.cursor = cursor === 'now' ? ch.lastSeen : cursor;
            if (ch.lastSeen > f.cursor) {
              const missed = await log.readAfter(departmentId, f.cursor, ch.lastSeen - f.cursor);
              for (const e of missed) {
                if (e.eventId > f.cursor && e.eventId <= ch.lastSeen) {
                  f.cursor = e.eventId;
                  target.send(e);
                }
              }
            }
            for (const e of f.buffer) {
              if (e.eventId > f.cursor) {
                f.cursor = e.eventId;
                target.send(e);
              }
            }
            f.buffer = [];
            f.live = true;
          });
          ch.chain = run.catch(onError);
          await run;
        },
        close: () => {
          ch.followers.delete(f);
          if (ch.followers.size === 0 && channels.get(departmentId) === ch) {
            channels.delete(departmentId);
            ch.chain = ch.chain.then(() => ch.unsubscribe()).catch(onError);
          }
        },
      };
    },
    activeDepartments: (): string[] => [...channels.keys()],
  };
};

export type DepartmentFeeds = ReturnType<typeof makeDepartmentFeeds>;
