import type { StaffRole } from './actor.js';
import { transitionTable, type VisitActionType } from './state-machine.js';
import type { VisitState } from './visit.js';

/**
 * Who may take each action (docs/api.md, Visits). Shared with the web dashboard, which offers
 * a visit only the actions its state and the user's role allow.
 */
export const actionCallers = {
  call: ['doctor', 'reception', 'admin'],
  recall: ['doctor', 'reception', 'admin'],
  start: ['doctor', 'admin'],
  complete: ['doctor', 'admin'],
  no_show: ['doctor', 'reception', 'admin'],
  return_to_queue: ['doctor', 'reception', 'admin'],
  requeue: ['reception', 'admin'],
  cancel: ['reception', 'admin'],
  transfer: ['doctor', 'reception', 'admin'],
} as const satisfies Record<VisitActionType, readonly StaffRole[]>;

/** The actions `role` may take on a visit in `state`, in the table's order. */
export const allowedActions = (role: StaffRole, state: VisitState): VisitActionType[] =>
  (Object.keys(transitionTable) as VisitActionType[]).filter(
    (action) =>
      (transitionTable[action].from as readonly VisitState[]).includes(state) &&
      (actionCallers[action] as readonly StaffRole[]).includes(role),
  );
