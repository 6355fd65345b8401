import type { Actor } from '../../domain/actor.js';
import { notFound } from '../../domain/errors.js';
import { serviceDayOf } from '../../domain/ticket.js';
import { requireCaller, requireScope } from '../authorize.js';
import type { Clock, EventBus, EventLog } from '../ports.js';
import {
  MAX_CATCH_UP,
  type Channel,
  type Closable,
  type DepartmentFeeds,
  type FeedFollower,
} from './department-feeds.js';
import { followBuffered, followLive, resumeFromRing } from './feed-followers.js';
import { nextAgeingAt, staffQueue, type Queue, type QueueView } from './queue-view.js';

/** A staff stream as the live views see it: a snapshot, then events (it follows the feed). */
export interface DepartmentSink extends FeedFollower {
  snapshot(queue: Queue): void;
}

interface Deps {
  readonly clock: Clock;
  readonly timeZone: string;
  readonly log: EventLog;
  readonly bus: EventBus;
  readonly feeds: DepartmentFeeds;
  /** The REPEATABLE READ path, when the channel's view is not current. */
  readonly readQueue: (input: { actor: Actor; departmentId: string }) => Promise<Queue>;
}

const staffRoles = ['admin', 'reception', 'doctor'] as const;

/**
 * The staff side of a department's live view (ADR 11): GET …/queue and the department
 * stream's snapshot come from the channel's view when it is current, with no database
 * round trip; otherwise (loading, reloading, the bus down, behind this instance's own
 * last commit) from the database, as before.
 */
export const makeLiveDepartment = ({ clock, timeZone, log, bus, feeds, readQueue }: Deps) => {
  // The service day is asked for by every stream that opens; formatting a date in a time
  // zone costs ~10 µs, so it is worked out once per second of the clock.
  let day = { second: Number.NaN, value: '' };
  const today = (): string => {
    const now = clock.now();
    const second = Math.floor(now.getTime() / 1000);
    if (second !== day.second) day = { second, value: serviceDayOf(now, timeZone) };
    return day.value;
  };

  /** The view if it holds every change this instance knows of, else null. */
  const current = (ch: Channel): QueueView | null => {
    const view = ch.view.get();
    if (ch.view.stale) feeds.reload(ch); // e.g. a reload that failed while Postgres was away
    if (view === null || !ch.view.exact() || !bus.connected()) return null;
    if (view.lastEventId < ch.lastSeen || view.lastEventId < ch.committed) return null;
    if (view.serviceDay !== today()) {
      feeds.reload(ch); // a new service day: yesterday's waiting list no longer counts
      return null;
    }
    return view;
  };

  /** One derivation per view version (and ageing moment), whatever the number of readers. */
  const derived = new WeakMap<QueueView, { version: number; until: number | null; queue: Queue }>();
  const queueOf = (view: QueueView): Queue => {
    const now = clock.now();
    const hit = derived.get(view);
    if (
      hit !== undefined &&
      hit.version === view.version &&
      (hit.until === null || now.getTime() < hit.until)
    ) {
      return hit.queue;
    }
    const queue = staffQueue(view, now);
    derived.set(view, {
      version: view.version,
      until: nextAgeingAt(view, now)?.getTime() ?? null,
      queue,
    });
    return queue;
  };

  /** The channel, loaded, with the caller's right to see it checked; released on failure. */
  const open = async (actor: Actor, departmentId: string): Promise<Channel> => {
    requireCaller(actor, staffRoles);
    const ch = await feeds.acquire(departmentId);
    try {
      const view = ch.view.get();
      if (view === null) throw notFound('Department');
      requireScope(actor, view.department.id);
      return ch;
    } catch (err) {
      feeds.release(ch);
      throw err;
    }
  };

  /** Whether a client that saw `lastEventId` can be sent exactly what it missed (the log). */
  const canResume = async (departmentId: string, lastEventId: number): Promise<boolean> => {
    const head = await log.head(departmentId);
    if (lastEventId < 1 || lastEventId > head.lastEventId) return false;
    if (head.lastEventId - lastEventId > MAX_CATCH_UP) return false;
    return (await log.serviceDayOf(departmentId, lastEventId)) === today();
  };

  /** The database path: a REPEATABLE READ snapshot or the log, then live. */
  const followFromDatabase = async (
    ch: Channel,
    input: { actor: Actor; lastEventId: number | null },
    sink: DepartmentSink,
  ): Promise<Closable> => {
    const sub = followBuffered(feeds, log, ch, sink);
    try {
      let cursor: number;
      if (input.lastEventId !== null && (await canResume(ch.departmentId, input.lastEventId))) {
        cursor = input.lastEventId;
      } else {
        const queue = await readQueue({ actor: input.actor, departmentId: ch.departmentId });
        sink.snapshot(queue);
        cursor = queue.lastEventId;
      }
      await sub.start(cursor);
      return sub;
    } catch (err) {
      sub.close();
      throw err;
    }
  };

  return {
    /** GET …/queue. */
    queue: async ({
      actor,
      departmentId,
    }: {
      actor: Actor;
      departmentId: string;
    }): Promise<Queue> => {
      const ch = await open(actor, departmentId);
      try {
        const view = current(ch);
        return view !== null ? queueOf(view) : await readQueue({ actor, departmentId });
      } finally {
        feeds.release(ch);
      }
    },

    /**
     * A staff department stream: a snapshot (or exactly the missed events after
     * `lastEventId`), then every event once, in order. The returned handle ends it.
     */
    follow: async (input: {
      actor: Actor;
      departmentId: string;
      lastEventId: number | null;
      sink: DepartmentSink;
    }): Promise<Closable> => {
      const ch = await open(input.actor, input.departmentId);
      const { sink } = input;
      try {
        let sub: Closable | null = null;
        const view = current(ch);
        if (view !== null) {
          // Synchronous from here to followLive: no event can slip between snapshot and live.
          const resumed =
            input.lastEventId === null
              ? ({ kind: 'snapshot' } as const)
              : resumeFromRing(ch, sink, input.lastEventId, today());
          if (resumed.kind === 'resumed') {
            sub = resumed.subscription;
          } else if (resumed.kind === 'snapshot') {
            sink.snapshot(queueOf(view));
            sub = followLive(ch, sink, view.lastEventId);
          }
        }
        sub ??= await followFromDatabase(ch, input, sink);
        const held = sub;
        return {
          close: () => {
            held.close();
            feeds.release(ch);
          },
        };
      } catch (err) {
        feeds.release(ch);
        throw err;
      }
    },
  };
};
