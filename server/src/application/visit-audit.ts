import { isSystemCancelReason, type Visit } from '../domain/visit.js';

/**
 * What the audit log keeps of a visit: ids, state and timings, never the patient's name or
 * phone. Audit rows are immutable, so patient data written there could never be erased.
 */
export const visitAuditView = (v: Visit): Record<string, unknown> => ({
  ticket: v.ticket,
  state: v.state,
  version: v.version,
  priority: v.priority,
  roomId: v.roomId,
  callCount: v.callCount,
  transferredFromVisitId: v.transferredFromVisitId,
  transferredToVisitId: v.transferredToVisitId,
  // Typed by staff, it may name the patient: the audit keeps only that one was given.
  cancelReason:
    v.cancelReason === null || isSystemCancelReason(v.cancelReason) ? v.cancelReason : 'staff note',
});
