import { z } from 'zod';
import type { VisitEvent } from '../domain/events.js';
import { visitEventTypes } from '../domain/state-machine.js';
import { priorities, visitStates, type Visit } from '../domain/visit.js';
import type { VisitRow } from './postgres/schema.js';
import { toVisit, toVisitRow } from './postgres/visit.mapper.js';

/**
 * The one format of a visit event outside the process, read by one schema wherever it comes
 * from: the event log (a `visit_events` row), the bus (that row as JSON, ADR 7) and the
 * idempotency guard's stored answer (the visit alone). A visit is its `visits` row as the
 * change left it, as `to_jsonb(v)` writes it in the statement that makes the change:
 * snake_case column names, timestamps as ISO 8601 strings with an offset. Whatever does not
 * fit is refused, never cast.
 *
 * Why the row and not the camelCase `Visit`: the log is written by SQL, where `to_jsonb` is
 * the row with no field list to keep in step with this file, and retention erases the copies
 * by column name (`job.repository.ts`). Stored events keep their format (no migration).
 * What changed is in Redis, where nothing needs converting: a bus message from an instance
 * on the old format is dropped and the gap it leaves filled from the log; an old stored
 * answer reads as none, and the Postgres record answers the retry.
 */

/** Postgres' uuid type vouches for ids; this checks only the shape it prints. */
const id = z.guid();
const instant = z.iso.datetime({ offset: true }).transform((s) => new Date(s));

const visitSchema = z
  .object({
    id,
    department_id: id,
    service_day: z.iso.date(),
    seq: z.number().int(),
    ticket: z.string(),
    public_token: z.string(),
    priority: z.enum(priorities),
    state: z.enum(visitStates),
    version: z.number().int(),
    room_id: id.nullable(),
    called_by: z.string().nullable(),
    call_count: z.number().int(),
    display_name: z.string().nullable(),
    phone: z.string().nullable(),
    checked_in_at: instant,
    queued_at: instant,
    called_at: instant.nullable(),
    started_at: instant.nullable(),
    ended_at: instant.nullable(),
    transferred_from_visit_id: id.nullable(),
    transferred_to_visit_id: id.nullable(),
    cancel_reason: z.string().nullable(),
  })
  .transform((row): Visit => toVisit(row));

const eventSchema = z
  .object({
    department_id: id,
    event_id: z.number().int().min(1),
    type: z.enum(visitEventTypes),
    service_day: z.iso.date(),
    // A Date as the driver reads the column; an ISO string off the bus.
    occurred_at: z.union([z.date(), instant]),
    visit: visitSchema,
  })
  .transform((e): VisitEvent => ({
    departmentId: e.department_id,
    eventId: e.event_id,
    type: e.type,
    visit: e.visit,
    serviceDay: e.service_day,
    occurredAt: e.occurred_at,
  }));

/** The columns of a `visit_events` row that make the event (`visit_id` repeats `visit.id`). */
interface EventRow {
  readonly department_id: string;
  readonly event_id: number;
  readonly type: VisitEvent['type'];
  readonly service_day: string;
  readonly occurred_at: Date;
  readonly visit: VisitRow;
}

/** A visit as stored beside its event; Dates become ISO strings through JSON.stringify. */
export const encodeVisit = (visit: Visit): VisitRow => toVisitRow(visit);

export const decodeVisit = (json: unknown): Visit | null => {
  const parsed = visitSchema.safeParse(json);
  return parsed.success ? parsed.data : null;
};

/** The bus message: the event's log row as JSON. */
export const encodeEvent = (event: VisitEvent): string =>
  JSON.stringify({
    department_id: event.departmentId,
    event_id: event.eventId,
    type: event.type,
    service_day: event.serviceDay,
    occurred_at: event.occurredAt,
    visit: toVisitRow(event.visit),
  } satisfies EventRow);

/** A `visit_events` row as read from the table, or a bus message once parsed as JSON. */
export const decodeEvent = (json: unknown): VisitEvent | null => {
  const parsed = eventSchema.safeParse(json);
  return parsed.success ? parsed.data : null;
};

/** A bus message: malformed JSON or a foreign shape is null, for the caller to drop. */
export const parseEventMessage = (raw: string): VisitEvent | null => {
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    return null;
  }
  return decodeEvent(json);
};
