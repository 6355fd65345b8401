import type { VisitEvent } from '../../domain/events.js';
import type { Visit } from '../../domain/visit.js';
import type { Clock } from '../ports.js';
import type { Channel, Closable, DepartmentFeeds } from './department-feeds.js';
import { followLive } from './feed-followers.js';
import {
  boardDepartment,
  positions,
  sameTicketView,
  ticketView,
  type BoardDepartment,
  type TicketView,
} from './public-views.js';
import { nextAgeingAt } from './queue-view.js';

/**
 * Boards and patients' phones (ADR 11). Each department's views are derived once per change
 * of its queue view (once per burst), not once per screen: one order for every ticket, one
 * board view per department. A screen is sent a frame only when what it shows changed.
 */
export interface TicketSink {
  /** `at`: the department event number the view is as of (an opaque frame id). */
  send(view: TicketView, at: number): void;
}

export interface BoardSink {
  send(kind: 'snapshot' | 'updated', departments: BoardDepartment[], sequence: number): void;
}

interface TicketGroup {
  /** The visit as last seen (events keep it current once it left the active lists). */
  visit: Visit;
  last: TicketView | null;
  readonly sinks: Set<TicketSink>;
}

interface BoardGroup {
  readonly channels: readonly Channel[];
  last: string;
  sequence: number;
  departments: BoardDepartment[];
  readonly sinks: Set<BoardSink>;
}

interface PublicState {
  readonly tickets: Map<string, TicketGroup>;
  readonly boards: Set<BoardGroup>;
  board: BoardDepartment | null;
  /** Cancels the refresh armed for the next ageing moment. */
  ageing: (() => void) | null;
  readonly detach: () => void;
}

export const makePublicFanout = ({ feeds, clock }: { feeds: DepartmentFeeds; clock: Clock }) => {
  const states = new Map<Channel, PublicState>();

  const boardOf = (ch: Channel, s: PublicState): BoardDepartment | null => {
    const view = ch.view.get();
    if (s.board === null && view !== null) s.board = boardDepartment(view);
    return s.board;
  };

  const refreshBoard = (g: BoardGroup): void => {
    const departments: BoardDepartment[] = [];
    for (const ch of g.channels) {
      const s = states.get(ch);
      const b = s === undefined ? null : boardOf(ch, s);
      const view = ch.view.get();
      if (b !== null && view?.department.active === true) departments.push(b);
    }
    const json = JSON.stringify(departments);
    if (json === g.last) return;
    g.last = json;
    g.departments = departments;
    g.sequence += 1;
    for (const sink of g.sinks) sink.send('updated', departments, g.sequence);
  };

  /** The channel's view changed (exact): every screen of the department re-derives. */
  const refresh = (ch: Channel, s: PublicState): void => {
    const view = ch.view.get();
    if (view === null) return;
    const now = clock.now();
    if (s.tickets.size > 0) {
      const order = positions(view, now);
      for (const g of s.tickets.values()) {
        const next = ticketView(view, g.visit, order);
        if (g.last !== null && sameTicketView(g.last, next)) continue;
        g.last = next;
        for (const sink of g.sinks) sink.send(next, view.lastEventId);
      }
    }
    if (s.boards.size > 0) {
      s.board = boardDepartment(view);
      for (const g of s.boards) refreshBoard(g);
    }
    armAgeing(ch, s, now);
  };

  /** Ageing (maxWaitMinutes) reorders the queue with no event: refresh at that moment. */
  const armAgeing = (ch: Channel, s: PublicState, now: Date): void => {
    s.ageing?.();
    s.ageing = null;
    const view = ch.view.get();
    const at = s.tickets.size > 0 && view !== null ? nextAgeingAt(view, now) : null;
    if (at !== null) {
      s.ageing = clock.wakeAt(at, () => {
        s.ageing = null;
        if (ch.view.exact()) refresh(ch, s);
      });
    }
  };

  const stateOf = (ch: Channel): PublicState => {
    const existing = states.get(ch);
    if (existing !== undefined) return existing;
    const tickets = new Map<string, TicketGroup>();
    // Events keep each followed visit's own copy current (a completed visit leaves the
    // view's lists, but its ticket page still shows its state).
    const onEvent = (e: VisitEvent): void => {
      const g = tickets.get(e.visit.id);
      if (g !== undefined && e.visit.version >= g.visit.version) g.visit = e.visit;
    };
    const follower = followLive(ch, { send: onEvent }, ch.lastSeen);
    const s: PublicState = {
      tickets,
      boards: new Set(),
      board: null,
      ageing: null,
      detach: () => {},
    };
    const unwatch = feeds.watch(ch, () => refresh(ch, s));
    (s as { detach: () => void }).detach = () => {
      follower.close();
      unwatch();
      s.ageing?.();
    };
    states.set(ch, s);
    return s;
  };

  const dropIfUnused = (ch: Channel, s: PublicState): void => {
    if (s.tickets.size > 0 || s.boards.size > 0) return;
    s.detach();
    states.delete(ch);
  };

  return {
    /** The ticket as of the channel's view (GET /tickets/:publicToken). */
    ticketNow: (ch: Channel, visit: Visit): TicketView | null => {
      const view = ch.view.get();
      return view === null ? null : ticketView(view, visit, positions(view, clock.now()));
    },

    /** Sends the ticket's current view at once, then each change. */
    followTicket: (ch: Channel, visit: Visit, sink: TicketSink): Closable => {
      const s = stateOf(ch);
      let g = s.tickets.get(visit.id);
      if (g === undefined) {
        g = { visit, last: null, sinks: new Set() };
        s.tickets.set(visit.id, g);
        // The first ticket of the department since its last change: no ageing moment armed.
        if (s.tickets.size === 1) armAgeing(ch, s, clock.now());
      } else if (visit.version > g.visit.version) {
        g.visit = visit;
      }
      const view = ch.view.get();
      if (view !== null) {
        const current = ticketView(view, g.visit, positions(view, clock.now()));
        g.last ??= current;
        sink.send(current, view.lastEventId);
      }
      g.sinks.add(sink);
      const group = g;
      return {
        close: () => {
          group.sinks.delete(sink);
          if (group.sinks.size === 0 && s.tickets.get(visit.id) === group)
            s.tickets.delete(visit.id);
          dropIfUnused(ch, s);
        },
      };
    },

    /** A board over several departments: a `snapshot` at once, then `updated` on change. */
    followBoard: (channels: readonly Channel[], sink: BoardSink): Closable => {
      const g: BoardGroup = { channels, last: '', sequence: 0, departments: [], sinks: new Set() };
      const held = channels.map((ch) => {
        const s = stateOf(ch);
        s.boards.add(g);
        return [ch, s] as const;
      });
      refreshBoard(g);
      g.sinks.add(sink);
      sink.send('snapshot', g.departments, g.sequence);
      return {
        close: () => {
          g.sinks.delete(sink);
          for (const [ch, s] of held) {
            s.boards.delete(g);
            dropIfUnused(ch, s);
          }
        },
      };
    },
  };
};

export type PublicFanout = ReturnType<typeof makePublicFanout>;
