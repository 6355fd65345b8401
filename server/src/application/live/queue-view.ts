import type { Department } from '../../domain/department.js';
import type { VisitEvent } from '../../domain/events.js';
import {
  byEndedAtDesc,
  byQueuedAt,
  recentCalls,
  SERVICE_WINDOW,
  serviceMinutes,
  waitMinutes,
} from '../../domain/queue-figures.js';
import { projectQueueOrder } from '../../domain/queue-order.js';
import type { Visit } from '../../domain/visit.js';
import { estimateWaitMinutes, median } from '../../domain/wait-estimate.js';
import type { CalledVisit, CompletedVisit, QueueSnapshot } from '../ports.js';

/** The staff view of a department's queue (docs/api.md `Queue`). */
export interface Queue {
  readonly department: Department;
  readonly serviceDay: string;
  /** The department event number this view includes every change up to. */
  readonly lastEventId: number;
  /** In the order call-next will take them. */
  readonly waiting: Visit[];
  readonly called: Visit[];
  readonly inConsultation: Visit[];
  readonly stats: {
    readonly waitingCount: number;
    readonly medianWaitMinutes: number | null;
    /** For someone checking in now. */
    readonly estimatedWaitMinutes: number | null;
  };
}

/**
 * A department's queue as of one event number, kept in memory and moved forward by each
 * event (ADR 11). It holds exactly what a REPEATABLE READ snapshot holds — the active visits,
 * today's calls, the recent consultations, the priority streak — and every screen's view
 * is derived from it by the functions below, which the database path uses too.
 *
 * An event carries its visit as it is after the change, and events are applied in order,
 * so keeping each visit's latest copy under the snapshot's filters reproduces the query.
 */
export interface QueueView {
  readonly department: Department;
  /** The service day the view's filters use (WAITING counts only if checked in that day). */
  readonly serviceDay: string;
  /** When `serviceDay` ends (local midnight): the view is reloaded then. */
  readonly serviceDayEndsAt: Date;
  lastEventId: number;
  lastEventServiceDay: string | null;
  priorityStreak: number;
  /** WAITING of `serviceDay`, and CALLED / IN_CONSULTATION of any day. */
  readonly active: Map<string, Visit>;
  /** publicToken → id of the active visits (a patient's phone opening its ticket). */
  readonly byToken: Map<string, string>;
  /** `serviceDay`'s visits whose `calledAt` is set. */
  readonly calledToday: Map<string, CalledVisit>;
  /** The last SERVICE_WINDOW completed visits, newest first. */
  completed: CompletedVisit[];
  /** Bumped on every change: what derived values are cached against. */
  version: number;
}

export const viewFromSnapshot = (
  department: Department,
  serviceDay: string,
  serviceDayEndsAt: Date,
  s: QueueSnapshot,
): QueueView => {
  const active = [...s.waiting, ...s.called, ...s.inConsultation];
  return {
    department,
    serviceDay,
    serviceDayEndsAt,
    lastEventId: s.lastEventId,
    lastEventServiceDay: s.lastEventServiceDay,
    priorityStreak: s.priorityStreak,
    active: new Map(active.map((v) => [v.id, v])),
    byToken: new Map(active.map((v) => [v.publicToken, v.id])),
    calledToday: new Map(s.calledToday.map((v) => [v.id, v])),
    completed: [...s.recentlyCompleted],
    version: 0,
  };
};

const isActive = (v: Visit, serviceDay: string): boolean =>
  v.state === 'CALLED' ||
  v.state === 'IN_CONSULTATION' ||
  (v.state === 'WAITING' && v.serviceDay === serviceDay);

const slim = (v: Visit): CalledVisit => ({
  id: v.id,
  seq: v.seq,
  ticket: v.ticket,
  roomId: v.roomId,
  checkedInAt: v.checkedInAt,
  calledAt: v.calledAt,
});

/**
 * Moves the view to `event`. 'reload' when the view cannot follow exactly: a visit left
 * the completed window, so the database's next one in line is unknown here. (Completed is
 * final today; the rule guards a future undo.) The priority streak is not in the event:
 * the caller sets it (`priorityStreak`) after a call.
 */
export const applyEvent = (view: QueueView, event: VisitEvent): 'applied' | 'reload' => {
  const v = event.visit;
  if (isActive(v, view.serviceDay)) {
    view.active.set(v.id, v);
    view.byToken.set(v.publicToken, v.id);
  } else if (view.active.delete(v.id)) {
    view.byToken.delete(v.publicToken);
  }
  if (v.serviceDay === view.serviceDay && v.calledAt !== null) view.calledToday.set(v.id, slim(v));
  else view.calledToday.delete(v.id);
  const at = view.completed.findIndex((c) => c.id === v.id);
  if (v.state === 'COMPLETED' && v.startedAt !== null && v.endedAt !== null) {
    const entry = { id: v.id, startedAt: v.startedAt, endedAt: v.endedAt };
    const next = at === -1 ? [...view.completed, entry] : view.completed.with(at, entry);
    view.completed = next.sort(byEndedAtDesc).slice(0, SERVICE_WINDOW);
  } else if (at !== -1) {
    return 'reload';
  }
  view.lastEventId = event.eventId;
  view.lastEventServiceDay = event.serviceDay;
  view.version += 1;
  return 'applied';
};

/** The WAITING visits in the order call-next will take them, at `now` (ageing moves it). */
export const queueOrder = (view: QueueView, now: Date): Visit[] =>
  projectQueueOrder(
    [...view.active.values()].filter((v) => v.state === 'WAITING').sort(byQueuedAt),
    view.priorityStreak,
    view.department.policy,
    now,
  );

const activeRooms = (view: QueueView): number =>
  view.department.rooms.filter((r) => r.active).length;

export const medianServiceMinutes = (view: QueueView): number | null =>
  median(serviceMinutes(view.completed));

/** Estimated minutes for the patient at `position` (1 = next). */
export const estimateFor = (view: QueueView, position: number): number | null =>
  estimateWaitMinutes(position, activeRooms(view), medianServiceMinutes(view));

/** The staff view (GET …/queue, the department stream's `snapshot`). */
export const staffQueue = (view: QueueView, now: Date): Queue => {
  const listed = [...view.active.values()].sort(byQueuedAt);
  const waiting = queueOrder(view, now);
  return {
    department: view.department,
    serviceDay: view.serviceDay,
    lastEventId: view.lastEventId,
    waiting,
    called: listed.filter((v) => v.state === 'CALLED'),
    inConsultation: listed.filter((v) => v.state === 'IN_CONSULTATION'),
    stats: {
      waitingCount: waiting.length,
      medianWaitMinutes: median(waitMinutes(view.calledToday.values())),
      estimatedWaitMinutes: estimateFor(view, waiting.length + 1),
    },
  };
};

/** Today's most recent calls, newest first (boards). */
export const recentlyCalled = (view: QueueView): CalledVisit[] =>
  recentCalls(view.calledToday.values());

/**
 * When the order can next change with no event: the first moment a waiting normal patient
 * reaches `maxWaitMinutes` and starts counting as priority. Null: never (no ageing).
 */
export const nextAgeingAt = (view: QueueView, now: Date): Date | null => {
  const max = view.department.policy.maxWaitMinutes;
  if (max === null) return null;
  let next: number | null = null;
  for (const v of view.active.values()) {
    if (v.state !== 'WAITING' || v.priority !== 'normal') continue;
    const at = v.queuedAt.getTime() + max * 60_000;
    if (at > now.getTime() && (next === null || at < next)) next = at;
  }
  return next === null ? null : new Date(next);
};
