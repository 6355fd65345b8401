import type { Department } from '../../domain/department.js';
import { projectQueueOrder } from '../../domain/queue-order.js';
import type { Visit, VisitState } from '../../domain/visit.js';
import { estimateWaitMinutes, median } from '../../domain/wait-estimate.js';
import type { QueueSnapshot } from '../ports.js';

/**
 * What public surfaces show: tickets, rooms, states, counts and waits. These types have no
 * field for a name or a phone, so patient data cannot reach a board or a ticket page.
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

const call = (department: Department, v: Visit): BoardCall => ({
  ticket: v.ticket,
  roomName: roomName(department, v.roomId),
  calledAt: (v.calledAt ?? v.checkedInAt).toISOString(),
});

const activeRooms = (department: Department): number =>
  department.rooms.filter((r) => r.active).length;

export const boardDepartment = (
  department: Department,
  snapshot: QueueSnapshot,
): BoardDepartment => {
  const waiting = snapshot.waiting.length;
  return {
    departmentId: department.id,
    departmentName: department.name,
    nowServing: [...snapshot.called]
      .sort((a, b) => (b.calledAt?.getTime() ?? 0) - (a.calledAt?.getTime() ?? 0))
      .map((v) => call(department, v)),
    recentlyCalled: snapshot.recentlyCalled.map((v) => call(department, v)),
    waitingCount: waiting,
    estimatedWaitMinutes: estimateWaitMinutes(
      waiting + 1,
      activeRooms(department),
      median(snapshot.recentServiceMinutes),
    ),
  };
};

export const ticketView = (
  department: Department,
  snapshot: QueueSnapshot,
  visit: Visit,
  now: Date,
): TicketView => {
  const order = projectQueueOrder(
    snapshot.waiting,
    snapshot.priorityStreak,
    department.policy,
    now,
  );
  const index = visit.state === 'WAITING' ? order.findIndex((v) => v.id === visit.id) : -1;
  const position = index === -1 ? null : index + 1;
  return {
    ticket: visit.ticket,
    departmentName: department.name,
    state: visit.state,
    position,
    estimatedWaitMinutes:
      position === null
        ? null
        : estimateWaitMinutes(
            position,
            activeRooms(department),
            median(snapshot.recentServiceMinutes),
          ),
    roomName:
      visit.state === 'CALLED' || visit.state === 'IN_CONSULTATION'
        ? roomName(department, visit.roomId)
        : null,
  };
};
