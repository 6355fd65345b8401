import type { Actor } from '../../domain/actor.js';
import type { VisitEvent } from '../../domain/events.js';
import type { Credentials } from '../credentials.js';
import { makeGetQueue, makeLoadQueueView } from '../get-queue.js';
import type {
  Clock,
  ControlBus,
  ControlMessage,
  EventBus,
  EventLog,
  Transactor,
  TxStores,
} from '../ports.js';
import { makeDepartmentFeeds, type Closable } from './department-feeds.js';
import { makeLiveDepartment, type DepartmentSink } from './live-department.js';
import { makeLivePublic } from './live-public.js';
import { makePublicFanout, type BoardSink, type TicketSink } from './public-fanout.js';
import { makeStreamGuard, type Endable } from './stream-guard.js';

export type { DepartmentSink } from './live-department.js';
export type { BoardSink, TicketSink } from './public-fanout.js';
export type { Closable } from './department-feeds.js';

const RECHECK_EVERY = 4;

interface Deps {
  readonly tx: Transactor<Pick<TxStores, 'departments' | 'queue' | 'visits'>>;
  readonly clock: Clock;
  readonly log: EventLog;
  readonly bus: EventBus & ControlBus;
  readonly credentials: Credentials;
  readonly timeZone: string;
  readonly onBackgroundError: (err: unknown) => void;
  readonly onEventForwarded?: (event: VisitEvent) => void;
}

/**
 * Live views (ADR 7, ADR 11): one channel per department per instance holding the queue
 * view every screen derives from, staff streams with gap-free event ids, boards and ticket
 * pages derived once per change, and the open streams' credentials guarded against
 * revocation by control messages from every instance.
 */
export const makeLiveUseCases = (deps: Deps) => {
  const { tx, clock, log, bus, credentials, timeZone } = deps;
  const onError = deps.onBackgroundError;
  const feeds = makeDepartmentFeeds({
    clock,
    log,
    bus,
    loadView: makeLoadQueueView({ tx, clock, timeZone }),
    readCounter: (departmentId) => tx.autocommit(({ queue }) => queue.counter(departmentId)),
    onError,
    ...(deps.onEventForwarded && { onForward: deps.onEventForwarded }),
  });
  const department = makeLiveDepartment({
    clock,
    timeZone,
    log,
    bus,
    feeds,
    readQueue: makeGetQueue({ tx, clock, timeZone }),
  });
  const fanout = makePublicFanout({ feeds, clock });
  const publicViews = makeLivePublic({ tx, feeds, fanout });
  const guard = makeStreamGuard({ credentials, onError });

  let heartbeats = 0;

  /** A committed change, from this instance or another: forget, end, reload. */
  const control = (message: ControlMessage): void => {
    credentials.forget(message);
    guard.apply(message);
    if (message.kind === 'department_changed') {
      const ch = feeds.get(message.departmentId);
      if (ch !== undefined) feeds.reload(ch);
    }
  };
  bus.onControl(control);
  bus.onReconnect(() => {
    // Announcements sent while this subscriber was away are lost: start over from the database.
    credentials.clear();
    guard.recheck();
  });

  /** Ends the stream when its credential is revoked; the returned handle ends it all. */
  const guarded = (
    actor: Actor,
    departmentId: string | null,
    stream: Endable,
    handle: Closable,
  ): Closable => {
    const unguard = guard.admit({ actor, departmentId, stream });
    return {
      close: () => {
        unguard();
        handle.close();
      },
    };
  };

  return {
    /** GET …/queue from the live view when it is current. */
    queue: department.queue,
    ticket: publicViews.ticket,

    /**
     * The credential as it stands now (role and departments re-read), or null if revoked:
     * a stream ticket carries the scope it was issued with, and must not outlive a change.
     */
    currentActor: (actor: Actor): Promise<Actor | null> => credentials.current(actor),

    /** `sink.end()` ends the stream when the credential is revoked or loses the department. */
    followDepartment: async (input: {
      actor: Actor;
      departmentId: string;
      lastEventId: number | null;
      sink: DepartmentSink & Endable;
    }): Promise<Closable> =>
      guarded(input.actor, input.departmentId, input.sink, await department.follow(input)),

    followBoard: async (input: {
      actor: Actor;
      boardId: string;
      sink: BoardSink & Endable;
    }): Promise<Closable> =>
      guarded(input.actor, null, input.sink, await publicViews.followBoard(input)),

    /** A patient's phone: anyone with the link, no credential to guard. */
    followTicket: (input: { publicToken: string; sink: TicketSink }): Promise<Closable> =>
      publicViews.followTicket(input),

    control,
    /** This instance committed `events` (before publishing them): read-your-writes. */
    noteCommitted: feeds.noteCommitted,
    /**
     * Backstop for an announcement lost while Redis was up but a publish failed (a lost
     * subscriber connection already rechecks everything on reconnect): called with every
     * heartbeat, it checks every 4th — each distinct credential once a minute by default.
     */
    recheckStreams: (): void => {
      heartbeats = (heartbeats + 1) % RECHECK_EVERY;
      if (heartbeats === 0) guard.recheck();
    },
    shutdown: (): Promise<void> => feeds.closeAll(),
  };
};

export type LiveUseCases = ReturnType<typeof makeLiveUseCases>;
