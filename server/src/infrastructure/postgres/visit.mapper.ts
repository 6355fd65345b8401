import type { Recorded } from '../../application/ports.js';
import type { VisitEventType } from '../../domain/state-machine.js';
import type { Priority, Visit, VisitState } from '../../domain/visit.js';
import type { VisitRow } from './schema.js';

const date = (v: Date | string): Date => (v instanceof Date ? v : new Date(v));
const dateOrNull = (v: Date | string | null): Date | null => (v === null ? null : date(v));

/** A `visits` row → the domain Visit. */
export const toVisit = (r: VisitRow): Visit => ({
  id: r.id,
  departmentId: r.department_id,
  serviceDay: r.service_day,
  seq: r.seq,
  ticket: r.ticket,
  publicToken: r.public_token,
  priority: r.priority as Priority,
  state: r.state as VisitState,
  version: r.version,
  roomId: r.room_id,
  calledBy: r.called_by,
  callCount: r.call_count,
  patient: { displayName: r.display_name, phone: r.phone },
  checkedInAt: date(r.checked_in_at),
  queuedAt: date(r.queued_at),
  calledAt: dateOrNull(r.called_at),
  startedAt: dateOrNull(r.started_at),
  endedAt: dateOrNull(r.ended_at),
  transferredFromVisitId: r.transferred_from_visit_id,
  transferredToVisitId: r.transferred_to_visit_id,
  cancelReason: r.cancel_reason,
});

/** The domain Visit → its `visits` row (the inverse of `toVisit`). */
export const toVisitRow = (v: Visit): VisitRow => ({
  id: v.id,
  department_id: v.departmentId,
  service_day: v.serviceDay,
  seq: v.seq,
  ticket: v.ticket,
  public_token: v.publicToken,
  priority: v.priority,
  state: v.state,
  version: v.version,
  room_id: v.roomId,
  called_by: v.calledBy,
  call_count: v.callCount,
  display_name: v.patient.displayName,
  phone: v.patient.phone,
  checked_in_at: v.checkedInAt,
  queued_at: v.queuedAt,
  called_at: v.calledAt,
  started_at: v.startedAt,
  ended_at: v.endedAt,
  transferred_from_visit_id: v.transferredFromVisitId,
  transferred_to_visit_id: v.transferredToVisitId,
  cancel_reason: v.cancelReason,
});

/** The columns a transition may change, for an UPDATE. */
export const changedColumns = (v: Visit) => ({
  state: v.state,
  version: v.version,
  room_id: v.roomId,
  called_by: v.calledBy,
  call_count: v.callCount,
  queued_at: v.queuedAt,
  called_at: v.calledAt,
  started_at: v.startedAt,
  ended_at: v.endedAt,
  transferred_to_visit_id: v.transferredToVisitId,
  cancel_reason: v.cancelReason,
});

/** A written visit row and the event number it took → the visit and its event. */
export const toRecorded = (
  row: VisitRow,
  eventId: number,
  type: VisitEventType,
  at: Date,
): Recorded => {
  const visit = toVisit(row);
  return {
    visit,
    event: {
      departmentId: visit.departmentId,
      eventId,
      type,
      visit,
      serviceDay: visit.serviceDay,
      occurredAt: at,
    },
  };
};
