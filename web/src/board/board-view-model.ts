import type { BoardCall, BoardDepartment, BoardStateData } from '../shared/api/types';

/**
 * How many calls fit a 1920×1080 screen without scrolling, at a size read from 5 m: the
 * newest and three more under "now serving" (a call there lasts until the patient
 * arrives), six recent ones beside it.
 */
export const NOW_SERVING_SHOWN = 4;
export const RECENT_SHOWN = 6;

export interface ShownCall extends BoardCall {
  /** Stable per call, and new on a recall: React keys, and the newest call's highlight. */
  readonly key: string;
  readonly departmentName: string;
}

export interface BoardView {
  /** Calls still waiting for their patient, newest first, across the board's departments. */
  readonly nowServing: readonly ShownCall[];
  /** Earlier calls of the day that are no longer "now serving", newest first. */
  readonly recent: readonly ShownCall[];
  readonly departments: readonly BoardDepartment[];
}

const newestFirst = (a: BoardCall, b: BoardCall): number =>
  Date.parse(b.calledAt) - Date.parse(a.calledAt);

const shown =
  (department: BoardDepartment) =>
  (call: BoardCall): ShownCall => ({
    ...call,
    key: `${call.ticket}@${call.calledAt}`,
    departmentName: department.departmentName,
  });

export const boardView = (state: BoardStateData): BoardView => {
  const nowServing = state.departments.flatMap((d) => d.nowServing.map(shown(d))).sort(newestFirst);
  // The server's recent calls include those still being called: show each ticket once.
  const serving = new Set(nowServing.map((c) => c.ticket));
  const recent = state.departments
    .flatMap((d) => d.recentlyCalled.map(shown(d)))
    .filter((c) => !serving.has(c.ticket))
    .sort(newestFirst);
  return {
    nowServing: nowServing.slice(0, NOW_SERVING_SHOWN),
    recent: recent.slice(0, RECENT_SHOWN),
    departments: state.departments,
  };
};
