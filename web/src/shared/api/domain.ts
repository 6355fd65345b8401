/**
 * The server's pure domain rules the screens must agree with, imported rather than copied:
 * which actions a visit's state and a staff role allow.
 */
export { allowedActions } from '../../../../server/src/domain/visit-permissions';
export type { VisitActionType } from '../../../../server/src/domain/state-machine';
