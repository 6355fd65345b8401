import type { Kysely } from 'kysely';
import type { EventLog } from '../../application/ports.js';
import type { VisitEvent } from '../../domain/events.js';
import { decodeEvent } from '../event-codec.js';
import type { Database } from './schema.js';

/** A row the codec refuses is a damaged record: an error, not an event to skip. */
const storedEvent = (row: { department_id: string; event_id: number }): VisitEvent => {
  const event = decodeEvent(row);
  if (event === null) {
    throw new Error(
      `visit_events row (${row.department_id}, ${row.event_id}) is not a visit event`,
    );
  }
  return event;
};

export const makeEventLog = (db: Kysely<Database>): EventLog => ({
  readAfter: async (departmentId, afterEventId, limit) => {
    const rows = await db
      .selectFrom('visit_events')
      .selectAll()
      .where('department_id', '=', departmentId)
      .where('event_id', '>', afterEventId)
      .orderBy('event_id')
      .limit(limit)
      .execute();
    return rows.map(storedEvent);
  },

  head: async (departmentId) => {
    const row = await db
      .selectFrom('department_counters')
      .select(['last_event_id', 'service_day'])
      .where('department_id', '=', departmentId)
      .executeTakeFirst();
    return { lastEventId: row?.last_event_id ?? 0, serviceDay: row?.service_day ?? null };
  },

  serviceDayOf: async (departmentId, eventId) => {
    const row = await db
      .selectFrom('visit_events')
      .select('service_day')
      .where('department_id', '=', departmentId)
      .where('event_id', '=', eventId)
      .executeTakeFirst();
    return row?.service_day ?? null;
  },
});
