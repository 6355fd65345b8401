import type { Department } from '../../domain/department.js';
import { byQueuedAt } from '../../domain/queue-figures.js';
import type { Visit, VisitState } from '../../domain/visit.js';
import type { CalledVisit } from '../ports.js';
import { estimateFor, queueOrder, recentlyCalled, type QueueView } from './queue-view.js';

/**
 * What public surfaces show: tickets, rooms, states, counts and waits. These types have no
 * field for a name or a phone, and the functions below copy field by field, so patient
 * data cannot reach a board or a ticket page (SPEC invariant 7).
 */
export interface BoardCall {
  readonly ticket: string;
  readonly roomName: string | null;
  readonly calledAt: string;
}

export interface BoardDepartment {
  readonly departmentId: string;
  readonly departmentName: string;
  readonly nowServing: BoardCall[];
  readonly recentlyCalled: BoardCall[];
  readonly waitingCount: number;
  readonly estimatedWaitMinutes: number | null;
}

export interface TicketView {
  readonly ticket: string;
  readonly departmentName: string;
  readonly state: VisitState;
  /** 1 for the next patient to be called; null once called. */
  readonly position: number | null;
  readonly estimatedWaitMinutes: number | null;
  readonly roomName: string | null;
}

const roomName = (department: Department, roomId: string | null): string | null =>
  department.rooms.find((r) => r.id === roomId)?.name ?? null;

const call = (department: Department, v: CalledVisit): BoardCall => ({
  ticket: v.ticket,
  roomName: roomName(department, v.roomId),
  calledAt: (v.calledAt ?? v.checkedInAt).toISOString(),
});

/** One department as a waiting-room board shows it. */
export const boardDepartment = (view: QueueView): BoardDepartment => {
  let waiting = 0;
  const called: Visit[] = [];
  for (const v of view.active.values()) {
    if (v.state === 'WAITING') waiting += 1;
    else if (v.state === 'CALLED') called.push(v);
  }
  const { department } = view;
  return {
    departmentId: department.id,
    departmentName: department.name,
    // Newest call first; the sort is stable over the listed order (queuedAt, seq, id).
    nowServing: called
      .sort(byQueuedAt)
      .sort((a, b) => (b.calledAt?.getTime() ?? 0) - (a.calledAt?.getTime() ?? 0))
      .map((v) => call(department, v)),
    recentlyCalled: recentlyCalled(view).map((v) => call(department, v)),
    waitingCount: waiting,
    estimatedWaitMinutes: estimateFor(view, waiting + 1),
  };
};

/** Each waiting visit's position (1 = next), computed once for every ticket of a department. */
export const positions = (view: QueueView, now: Date): Map<string, number> =>
  new Map(queueOrder(view, now).map((v, i) => [v.id, i + 1]));

/**
 * A patient's ticket. `visit` is the visit as last seen (the view's copy when it is
 * active, else the copy its followers keep); `order` comes from `positions`.
 */
export const ticketView = (
  view: QueueView,
  visit: Visit,
  order: ReadonlyMap<string, number>,
): TicketView => {
  const current = view.active.get(visit.id) ?? visit;
  const position = current.state === 'WAITING' ? (order.get(current.id) ?? null) : null;
  return {
    ticket: current.ticket,
    departmentName: view.department.name,
    state: current.state,
    position,
    estimatedWaitMinutes: position === null ? null : estimateFor(view, position),
    roomName:
      current.state === 'CALLED' || current.state === 'IN_CONSULTATION'
        ? roomName(view.department, current.roomId)
        : null,
  };
};

export const sameTicketView = (a: TicketView, b: TicketView): boolean =>
  a.ticket === b.ticket &&
  a.departmentName === b.departmentName &&
  a.state === b.state &&
  a.position === b.position &&
  a.estimatedWaitMinutes === b.estimatedWaitMinutes &&
  a.roomName === b.roomName;
