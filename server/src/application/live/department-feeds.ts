import type { VisitEvent } from '../../domain/events.js';
import type { Clock, EventBus, EventLog } from '../ports.js';
import { makeChannelView, type ChannelView } from './channel-view.js';
import type { QueueView } from './queue-view.js';

/**
 * Live department events for this instance: one bus subscription per department that has
 * followers, fanned out locally, and the department's queue view kept beside it (ADR 7,
 * ADR 11). The bus is only a doorbell; this is where its faults are repaired from the event
 * log, so every follower sees every event once, in order:
 *
 * - a repeated or stale event (id ≤ last forwarded) is dropped;
 * - a gap (id > last + 1) is filled from the log before the event is forwarded;
 * - after the bus reconnects, each department catches up from the log and reloads its view.
 *
 * A channel outlives its last user by KEEP_WARM_MS, so a reconnect storm (a deploy, a
 * network blip: EventSources come back within their 2 s `retry`) finds the view in memory.
 */
export interface FeedFollower {
  send(event: VisitEvent): void;
}

export interface FeedSubscription {
  /** Go live from `cursor`: events after it come from the log, then live. */
  start(cursor: number): Promise<void>;
  close(): void;
}

export interface Closable {
  close(): void;
}

/** Above this many missed events a client is better served by a fresh snapshot. */
export const MAX_CATCH_UP = 1000;
/** Recent events kept per channel, so a reconnecting stream resumes without the log. */
const RING = 256;
const KEEP_WARM_MS = 60_000;

interface Follower {
  readonly target: FeedFollower;
  cursor: number;
  live: boolean;
  buffer: VisitEvent[];
}

export interface Channel {
  readonly departmentId: string;
  /** The last event forwarded to followers. */
  lastSeen: number;
  /** The highest event this instance committed itself (read-your-writes for GET …/queue). */
  committed: number;
  readonly followers: Set<Follower>;
  readonly view: ChannelView;
  readonly ring: VisitEvent[];
  /** The event the view was last read at, and its service day (the ring starts after it). */
  base: { eventId: number; serviceDay: string | null };
  readonly watchers: Set<() => void>;
  /** Serializes event handling (gap fills, streak reads are async) so order is kept. */
  chain: Promise<void>;
  ready: Promise<void>;
  unsubscribe: () => Promise<void>;
  users: number;
  idle: ReturnType<typeof setTimeout> | null;
  /** Cancels the reload armed for the end of the view's service day. */
  dayEnd: () => void;
  reloadQueued: boolean;
  notifyQueued: boolean;
}

export interface FeedDeps {
  readonly clock: Clock;
  readonly log: EventLog;
  readonly bus: EventBus;
  readonly loadView: (departmentId: string) => Promise<QueueView | null>;
  readonly readCounter: (
    departmentId: string,
  ) => Promise<{ lastEventId: number; priorityStreak: number }>;
  readonly onError?: (err: unknown) => void;
  /** Told once per event this instance forwards (fan-out lag metric). */
  readonly onForward?: (event: VisitEvent) => void;
}

export const makeDepartmentFeeds = (deps: FeedDeps) => {
  const { clock, log, bus, onError = () => {}, onForward = () => {} } = deps;
  const channels = new Map<string, Channel>();

  /** Watchers (public screens) hear once per burst: one derivation serves a fill of 50. */
  const notify = (ch: Channel): void => {
    if (ch.notifyQueued || ch.watchers.size === 0) return;
    ch.notifyQueued = true;
    setImmediate(() => {
      ch.notifyQueued = false;
      if (!ch.view.exact()) return;
      for (const w of ch.watchers) w();
    });
  };

  const deliver = (f: Follower, event: VisitEvent): void => {
    if (event.eventId > f.cursor) {
      f.cursor = event.eventId;
      f.target.send(event);
    }
  };

  const forward = async (ch: Channel, event: VisitEvent): Promise<void> => {
    ch.lastSeen = event.eventId;
    ch.ring.push(event);
    if (ch.ring.length > RING) ch.ring.shift();
    onForward(event);
    for (const f of ch.followers) {
      if (!f.live) f.buffer.push(event);
      else deliver(f, event);
    }
    // Staff streams have their event; the view follows (a call reads the streak).
    await ch.view.apply(event);
    if (ch.view.stale) reload(ch);
  };

  /** Brings the channel up to `upTo` (or the log's head) from the log. */
  const fill = async (ch: Channel, upTo: number | null): Promise<void> => {
    for (;;) {
      const limit = upTo === null ? 500 : Math.min(500, upTo - ch.lastSeen);
      if (limit <= 0) return;
      const missing = await log.readAfter(ch.departmentId, ch.lastSeen, limit);
      for (const e of missing) if (e.eventId === ch.lastSeen + 1) await forward(ch, e);
      if (missing.length < limit) return;
    }
  };

  const enqueue = (ch: Channel, work: () => Promise<void>): Promise<void> => {
    const run = ch.chain.then(async () => {
      await ch.ready;
      await work();
    });
    ch.chain = run.catch(onError);
    return run;
  };

  const handle = (ch: Channel, event: VisitEvent): void => {
    void enqueue(ch, async () => {
      if (event.eventId <= ch.lastSeen) return;
      if (event.eventId > ch.lastSeen + 1) await fill(ch, event.eventId - 1);
      if (event.eventId === ch.lastSeen + 1) await forward(ch, event);
    });
  };

  /** Reloads the view once, on the chain (after whatever is queued). */
  const reload = (ch: Channel): void => {
    ch.view.invalidate();
    if (ch.reloadQueued) return;
    ch.reloadQueued = true;
    void enqueue(ch, async () => {
      ch.reloadQueued = false;
      await ch.view.reload();
    });
  };

  const close = (ch: Channel): void => {
    if (ch.idle !== null) clearTimeout(ch.idle);
    ch.idle = null;
    ch.dayEnd();
    if (channels.get(ch.departmentId) === ch) channels.delete(ch.departmentId);
    ch.chain = ch.chain.then(() => ch.unsubscribe()).catch(onError);
  };

  const open = (departmentId: string): Channel => {
    const existing = channels.get(departmentId);
    if (existing !== undefined) return existing;
    const ch: Channel = {
      departmentId,
      lastSeen: 0,
      committed: 0,
      followers: new Set(),
      view: makeChannelView({
        load: async () => {
          const view = await deps.loadView(departmentId);
          if (view !== null) {
            ch.base = { eventId: view.lastEventId, serviceDay: view.lastEventServiceDay };
            // No event marks midnight: yesterday's waiting list stops counting then, and
            // boards and tickets must show the new day's queue without waiting for one.
            ch.dayEnd();
            ch.dayEnd = clock.wakeAt(view.serviceDayEndsAt, () => reload(ch));
          }
          return view;
        },
        readCounter: () => deps.readCounter(departmentId),
        onChange: () => notify(ch),
      }),
      ring: [],
      base: { eventId: 0, serviceDay: null },
      watchers: new Set(),
      chain: Promise.resolve(),
      ready: Promise.resolve(),
      unsubscribe: () => Promise.resolve(),
      users: 0,
      idle: null,
      dayEnd: () => {},
      reloadQueued: false,
      notifyQueued: false,
    };
    // Subscribe first, then read the snapshot: an event committed in between is either
    // above its number (delivered live) or at/below it (already in it) — never lost.
    ch.ready = (async () => {
      ch.unsubscribe = await bus.subscribe(departmentId, (e) => handle(ch, e));
      const view = await ch.view.reload();
      ch.lastSeen = view?.lastEventId ?? (await log.head(departmentId)).lastEventId;
    })();
    ch.ready.catch(() => {
      if (channels.get(departmentId) === ch) channels.delete(departmentId);
      void ch.unsubscribe().catch(onError);
    });
    channels.set(departmentId, ch);
    return ch;
  };

  bus.onReconnect(() => {
    // Anything published while the subscriber was away is lost: catch up from the log, and
    // reload the views (a department change announced meanwhile was lost too).
    for (const ch of channels.values()) {
      void enqueue(ch, () => fill(ch, null));
      reload(ch);
    }
  });

  /** One user less; the last one leaves the channel warm for KEEP_WARM_MS. */
  const release = (ch: Channel): void => {
    ch.users -= 1;
    if (ch.users > 0 || channels.get(ch.departmentId) !== ch) return;
    if (ch.view.get() === null) {
      close(ch); // no such department: nothing worth keeping warm
      return;
    }
    if (ch.idle !== null) clearTimeout(ch.idle);
    ch.idle = setTimeout(() => {
      ch.idle = null;
      if (ch.users === 0) close(ch);
    }, KEEP_WARM_MS);
  };

  return {
    /**
     * The department's channel, loaded (its view read once), for one user: every
     * `acquire` is paired with a `release` (a stream's end, or after a GET).
     */
    acquire: async (departmentId: string): Promise<Channel> => {
      const ch = open(departmentId);
      ch.users += 1;
      if (ch.idle !== null) {
        clearTimeout(ch.idle);
        ch.idle = null;
      }
      try {
        await ch.ready;
      } catch (err) {
        ch.users -= 1;
        throw err;
      }
      return ch;
    },
    release,
    /** The open channel of a department, if any (no loading). */
    get: (departmentId: string): Channel | undefined => channels.get(departmentId),
    all: (): IterableIterator<Channel> => channels.values(),
    /** This instance committed `events` (told before they are published). */
    noteCommitted: (events: readonly VisitEvent[]): void => {
      for (const e of events) {
        const ch = channels.get(e.departmentId);
        if (ch !== undefined && e.eventId > ch.committed) ch.committed = e.eventId;
      }
    },
    /** Tells `listener` (once per burst) whenever the channel's view changed and is exact. */
    watch: (ch: Channel, listener: () => void): (() => void) => {
      ch.watchers.add(listener);
      return () => ch.watchers.delete(listener);
    },
    enqueue,
    reload,
    deliver,
    /** Ends every channel (shutdown): timers cleared, bus subscriptions dropped. */
    closeAll: async (): Promise<void> => {
      const all = [...channels.values()];
      for (const ch of all) close(ch);
      await Promise.all(all.map((ch) => ch.chain));
    },
  };
};

export type DepartmentFeeds = ReturnType<typeof makeDepartmentFeeds>;
export type { Follower };
