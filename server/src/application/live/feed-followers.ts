import type { VisitEvent } from '../../domain/events.js';
import type { EventLog } from '../ports.js';
import {
  MAX_CATCH_UP,
  type Channel,
  type Closable,
  type DepartmentFeeds,
  type FeedFollower,
  type FeedSubscription,
  type Follower,
} from './department-feeds.js';

/**
 * How a staff stream joins a channel so that the seam between its snapshot (or
 * Last-Event-ID) and the live events neither drops nor repeats an event.
 */

const remover = (ch: Channel, f: Follower): Closable => ({
  close: () => {
    ch.followers.delete(f);
  },
});

/** Live at once from `cursor`: for a snapshot taken from the channel's current view. */
export const followLive = (ch: Channel, target: FeedFollower, cursor: number): Closable => {
  const f: Follower = { target, cursor, live: true, buffer: [] };
  ch.followers.add(f);
  return remover(ch, f);
};

export type Resume =
  | { readonly kind: 'resumed'; readonly subscription: Closable }
  /** Older than the window, another service day, or from the future: send a snapshot. */
  | { readonly kind: 'snapshot' }
  /** This instance does not hold what it needs to decide: ask the log. */
  | { readonly kind: 'unknown' };

/**
 * A reconnecting stream (Last-Event-ID `after`) resumed from the channel's recent events,
 * with no database read. Call only when the channel's view is current.
 */
export const resumeFromRing = (
  ch: Channel,
  target: FeedFollower,
  after: number,
  today: string,
): Resume => {
  const view = ch.view.get();
  if (view === null) return { kind: 'unknown' };
  const head = Math.max(view.lastEventId, ch.lastSeen);
  if (after < 1 || after > head || head - after > MAX_CATCH_UP) return { kind: 'snapshot' };
  const first = ch.ring[0]?.eventId ?? ch.lastSeen + 1;
  // The ring must hold every event from after + 1 to the last one forwarded.
  if (after < ch.lastSeen && first > after + 1) return { kind: 'unknown' };
  const day =
    ch.ring.find((e) => e.eventId === after)?.serviceDay ??
    (after === view.lastEventId ? view.lastEventServiceDay : undefined) ??
    (after === ch.base.eventId ? ch.base.serviceDay : undefined);
  if (day === undefined || day === null) return { kind: 'unknown' };
  if (day !== today) return { kind: 'snapshot' };
  const f: Follower = { target, cursor: after, live: true, buffer: [] };
  for (const e of ch.ring) if (e.eventId > after) f.target.send(e);
  f.cursor = Math.max(after, ch.lastSeen);
  ch.followers.add(f);
  return { kind: 'resumed', subscription: remover(ch, f) };
};

/**
 * Registers a follower whose events are buffered until `start(cursor)`, which sends what
 * came after `cursor` (from the ring and the buffer, or the log when they do not reach
 * back that far) and then goes live. For snapshots read from the database.
 */
export const followBuffered = (
  feeds: DepartmentFeeds,
  log: EventLog,
  ch: Channel,
  target: FeedFollower,
): FeedSubscription => {
  const f: Follower = { target, cursor: 0, live: false, buffer: [] };
  ch.followers.add(f);
  return {
    // Runs on the channel's chain, so catch-up and live events interleave in order.
    start: (cursor) =>
      feeds.enqueue(ch, async () => {
        f.cursor = cursor;
        const held = new Map<number, VisitEvent>();
        for (const e of [...ch.ring, ...f.buffer]) held.set(e.eventId, e);
        let missing = false;
        for (let id = cursor + 1; id <= ch.lastSeen; id += 1) missing ||= !held.has(id);
        const history = missing
          ? await log.readAfter(ch.departmentId, cursor, ch.lastSeen - cursor)
          : [...held.values()].sort((a, b) => a.eventId - b.eventId);
        for (const e of history) if (e.eventId <= ch.lastSeen) feeds.deliver(f, e);
        for (const e of f.buffer) feeds.deliver(f, e);
        f.buffer = [];
        f.live = true;
      }),
    close: () => {
      ch.followers.delete(f);
    },
  };
};
