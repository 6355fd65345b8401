import type { Kysely } from 'kysely';
import type { EventLog } from '../../application/ports.js';
import type { VisitEventType } from '../../domain/state-machine.js';
import type { Database } from './schema.js';
import { snapshotToVisit } from './visit.mapper.js';

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
    return rows.map((r) => ({
      departmentId: r.department_id,
      eventId: r.event_id,
      type: r.type as VisitEventType,
      visit: snapshotToVisit(r.visit),
      serviceDay: r.service_day,
      occurredAt: r.occurred_at,
    }));
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
