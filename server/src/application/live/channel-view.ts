import type { VisitEvent } from '../../domain/events.js';
import { applyEvent, type QueueView } from './queue-view.js';

/**
 * The queue view one department channel keeps (ADR 11): loaded once from a REPEATABLE READ
 * snapshot, then moved forward by every event the channel forwards, in order, on the
 * channel's chain. Database work per event: one statement after a call (the priority
 * streak, which no event carries), none otherwise — whatever the number of screens.
 *
 * The view is `exact` when it equals what a snapshot at its event number would read; it
 * stops being exact while a reload is due (a visit left the completed window, the
 * department changed, the bus reconnected, a new service day) or while the streak is
 * known only for a later event.
 */
export interface ChannelViewDeps {
  readonly load: () => Promise<QueueView | null>;
  readonly readCounter: () => Promise<{ lastEventId: number; priorityStreak: number }>;
  /** Told after every change that leaves the view exact (screens re-derive then). */
  readonly onChange: () => void;
}

export const makeChannelView = ({ load, readCounter, onChange }: ChannelViewDeps) => {
  let view: QueueView | null = null;
  let stale = false;
  /** The streak as read after a call, valid from event `at` (ahead of the view). */
  let pendingStreak: { value: number; at: number } | null = null;
  /** A call was applied and its streak is being read: the view is between two states. */
  let readingStreak = false;

  const exact = (): boolean => view !== null && !stale && pendingStreak === null && !readingStreak;

  /** After a call: the counter row holds the streak as of its own last event. */
  const refreshStreak = async (): Promise<void> => {
    readingStreak = true;
    let counter: { lastEventId: number; priorityStreak: number };
    try {
      counter = await readCounter();
    } catch (err) {
      stale = true; // the next read reloads it
      throw err;
    } finally {
      readingStreak = false;
    }
    if (view === null || stale) return;
    if (counter.lastEventId <= view.lastEventId) {
      // Equal: exact now. (Lower cannot happen: the call was committed before its event.)
      view.priorityStreak = counter.priorityStreak;
      pendingStreak = null;
    } else {
      pendingStreak = { value: counter.priorityStreak, at: counter.lastEventId };
    }
  };

  return {
    /** The view, whether or not it is exact (callers check `exact()`). */
    get: (): QueueView | null => view,
    exact,
    /** A reload is due: the view is not trusted until `reload()` ran. */
    invalidate: (): void => {
      stale = true;
    },
    get stale(): boolean {
      return stale;
    },

    /** Reads a fresh view (REPEATABLE READ); its event number may be ahead of the channel. */
    reload: async (): Promise<QueueView | null> => {
      stale = true;
      const fresh = await load();
      view = fresh;
      stale = false;
      pendingStreak = null;
      if (fresh !== null) onChange();
      return fresh;
    },

    /**
     * Applies the next forwarded event. Events at or below the view's number (a reload read
     * past them) are skipped; anything else out of order marks the view for a reload.
     */
    apply: async (event: VisitEvent): Promise<void> => {
      if (view === null || stale || event.eventId <= view.lastEventId) return;
      if (event.eventId !== view.lastEventId + 1 || applyEvent(view, event) === 'reload') {
        stale = true;
        return;
      }
      if (pendingStreak !== null && pendingStreak.at === event.eventId) {
        view.priorityStreak = pendingStreak.value;
        pendingStreak = null;
      }
      // Only call-next moves the streak, and every call is a `visit.called` event.
      if (event.type === 'visit.called') await refreshStreak();
      if (exact()) onChange();
    },
  };
};

export type ChannelView = ReturnType<typeof makeChannelView>;
