import type { Actor } from '../../domain/actor.js';
import { DomainError, notFound } from '../../domain/errors.js';
import type { VisitEvent } from '../../domain/events.js';
import { serviceDayOf } from '../../domain/ticket.js';
import { requireCaller, requireScope } from '../authorize.js';
import type { Queue } from '../get-queue.js';
import type { Clock, EventLog, Transactor } from '../ports.js';
import { MAX_CATCH_UP, type DepartmentFeeds, type FeedSubscription } from './department-feeds.js';
import {
  boardDepartment,
  ticketView,
  type BoardDepartment,
  type TicketView,
} from './public-views.js';

interface Deps {
  readonly tx: Transactor;
  readonly clock: Clock;
  readonly log: EventLog;
  readonly feeds: DepartmentFeeds;
  readonly timeZone: string;
  readonly getQueue: (input: { actor: Actor; departmentId: string }) => Promise<Queue>;
}

export type DepartmentStreamMessage =
  | { readonly kind: 'snapshot'; readonly queue: Queue }
  | { readonly kind: 'event'; readonly event: VisitEvent };

export interface Closable {
  close(): void;
}

/** Subscribes `onChange` to a set of departments; the returned handle ends them all. */
const followAll = async (
  feeds: DepartmentFeeds,
  departmentIds: readonly string[],
  onChange: (e: VisitEvent) => void,
): Promise<Closable> => {
  const subs: FeedSubscription[] = [];
  try {
    for (const id of departmentIds) {
      const sub = await feeds.follow(id, { send: onChange });
      subs.push(sub);
      await sub.start('now'); // views are recomputed on change, not replayed
    }
  } catch (err) {
    for (const s of subs) s.close();
    throw err;
  }
  return { close: () => subs.forEach((s) => s.close()) };
};

/**
 * Coalesces bursts: at most one recomputation in flight, and one more queued behind it
 * for whatever arrived meanwhile.
 */
const coalesce = (work: () => Promise<void>, onError: (err: unknown) => void) => {
  let running = false;
  let again = false;
  const run = (): void => {
    if (running) {
      again = true;
      return;
    }
    running = true;
    work()
      .catch(onError)
      .finally(() => {
        running = false;
        if (again) {
          again = false;
          run();
        }
      });
  };
  return run;
};

/** How long one credential check answers for every stream holding that credential. */
const ALLOWED_CACHE_MS = 5_000;

export const makeLiveUseCases = ({ tx, clock, log, feeds, timeZone, getQueue }: Deps) => {
  const allowedCache = new Map<string, { at: number; answer: Promise<boolean> }>();
  const checkAllowed = async (actor: Actor): Promise<boolean> => {
    switch (actor.type) {
      case 'staff': {
        const user = await tx.read(({ users }) => users.findById(actor.id));
        return user !== null && user.active;
      }
      case 'kiosk':
      case 'board': {
        const device = await tx.read(({ devices }) => devices.findById(actor.id));
        return device !== null && device.active;
      }
      case 'system':
        return true;
      default: {
        const unreachable: never = actor;
        return unreachable;
      }
    }
  };

  /** Whether a client that saw `lastEventId` can be sent exactly what it missed. */
  const canResume = async (departmentId: string, lastEventId: number): Promise<boolean> => {
    const head = await log.head(departmentId);
    if (lastEventId < 1 || lastEventId > head.lastEventId) return false;
    if (head.lastEventId - lastEventId > MAX_CATCH_UP) return false;
    return (
      (await log.serviceDayOf(departmentId, lastEventId)) === serviceDayOf(clock.now(), timeZone)
    );
  };

  const loadDepartmentState = (departmentId: string) =>
    tx.run(
      async ({ departments, queue }) => {
        const department = await departments.findById(departmentId);
        if (department === null) throw notFound('Department');
        return {
          department,
          snapshot: await queue.snapshot(department.id, serviceDayOf(clock.now(), timeZone)),
        };
      },
      { snapshot: true },
    );

  return {
    /**
     * Whether a stream's credential is still good: a deactivated user or device loses its
     * open streams at the next check (streams call this with every heartbeat), at most
     * a few seconds after the revocation.
     */
    /** The same check, uncached: for opening a stream (redeeming a ticket). */
    credentialActive: (actor: Actor): Promise<boolean> => checkAllowed(actor),

    stillAllowed: (actor: Actor): Promise<boolean> => {
      // Every open stream asks at each heartbeat; thousands of streams share a few
      // credentials, so one answer per credential serves them all for a few seconds.
      const key = `${actor.type}:${actor.id}`;
      const now = clock.now().getTime();
      const cached = allowedCache.get(key);
      if (cached !== undefined && now - cached.at < ALLOWED_CACHE_MS) return cached.answer;
      const answer = checkAllowed(actor);
      allowedCache.set(key, { at: now, answer });
      if (allowedCache.size > 10_000) allowedCache.clear();
      return answer;
    },

    /**
     * A staff department stream: a snapshot (or exactly the missed events after
     * `lastEventId`), then every event once, in order.
     */
    followDepartment: async ({
      actor,
      departmentId,
      lastEventId,
      send,
    }: {
      actor: Actor;
      departmentId: string;
      lastEventId: number | null;
      send: (m: DepartmentStreamMessage) => void;
    }): Promise<Closable> => {
      requireCaller(actor, ['admin', 'reception', 'doctor']);
      const department = await tx.run(({ departments }) => departments.findById(departmentId));
      if (department === null) throw notFound('Department');
      requireScope(actor, department.id);
      const sub = await feeds.follow(department.id, {
        send: (event) => send({ kind: 'event', event }),
      });
      try {
        let cursor: number;
        if (lastEventId !== null && (await canResume(department.id, lastEventId))) {
          cursor = lastEventId;
        } else {
          const queue = await getQueue({ actor, departmentId });
          send({ kind: 'snapshot', queue });
          cursor = queue.lastEventId;
        }
        await sub.start(cursor);
        return sub;
      } catch (err) {
        sub.close();
        throw err;
      }
    },

    /**
     * A board's departments as the waiting room sees them (no names, no phones): the first
     * state is the snapshot, then a fresh state after every change in those departments.
     */
    followBoard: async ({
      actor,
      boardId,
      send,
      onError,
    }: {
      actor: Actor;
      boardId: string;
      send: (kind: 'snapshot' | 'updated', departments: BoardDepartment[]) => void;
      onError: (err: unknown) => void;
    }): Promise<Closable> => {
      if (actor.type !== 'board' || actor.id !== boardId) {
        throw new DomainError('FORBIDDEN', 'This stream is for another board');
      }
      const boardState = async (): Promise<BoardDepartment[]> => {
        const views: BoardDepartment[] = [];
        for (const id of actor.departmentIds) {
          const { department, snapshot } = await loadDepartmentState(id);
          if (department.active) views.push(boardDepartment(department, snapshot));
        }
        return views;
      };
      const handle = await followAll(feeds, actor.departmentIds, () => push());
      let first = true;
      const push = coalesce(async () => {
        const views = await boardState();
        send(first ? 'snapshot' : 'updated', views);
        first = false;
      }, onError);
      push();
      return handle;
    },

    ticket: async ({ publicToken }: { publicToken: string }): Promise<TicketView> => {
      const visit = await tx.run(({ visits }) => visits.findByPublicToken(publicToken));
      if (visit === null) throw notFound('Ticket');
      const { department, snapshot } = await loadDepartmentState(visit.departmentId);
      const current = await tx.run(({ visits }) => visits.findById(visit.id));
      return ticketView(department, snapshot, current ?? visit, clock.now());
    },

    followTicket: async ({
      publicToken,
      send,
      onError,
    }: {
      publicToken: string;
      send: (view: TicketView) => void;
      onError: (err: unknown) => void;
    }): Promise<Closable> => {
      const visit = await tx.run(({ visits }) => visits.findByPublicToken(publicToken));
      if (visit === null) throw notFound('Ticket');
      let last = '';
      const push = coalesce(async () => {
        const { department, snapshot } = await loadDepartmentState(visit.departmentId);
        const current = await tx.run(({ visits }) => visits.findById(visit.id));
        const view = ticketView(department, snapshot, current ?? visit, clock.now());
        const json = JSON.stringify(view);
        if (json !== last) {
          last = json;
          send(view);
        }
      }, onError);
      const handle = await followAll(feeds, [visit.departmentId], () => push());
      push();
      return handle;
    },
  };
};

export type LiveUseCases = ReturnType<typeof makeLiveUseCases>;
