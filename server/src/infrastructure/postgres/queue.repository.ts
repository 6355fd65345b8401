import { sql, type Kysely } from 'kysely';
import type { QueueReader } from '../../application/ports.js';
import type { Database } from './schema.js';
import { toVisit } from './visit.mapper.js';

/** How many recent consultations the rolling service-time median looks at. */
const SERVICE_WINDOW = 20;
/** How many recent calls a board shows. */
const RECENT_CALLS = 6;

export const makeQueueReader = (db: Kysely<Database>): QueueReader => ({
  snapshot: async (departmentId, serviceDay) => {
    const counter = await db
      .selectFrom('department_counters')
      .select(['last_event_id', 'priority_streak'])
      .where('department_id', '=', departmentId)
      .executeTakeFirst();
    const active = await db
      .selectFrom('visits')
      .selectAll()
      .where('department_id', '=', departmentId)
      .where((eb) =>
        eb.or([
          eb.and([eb('state', '=', 'WAITING'), eb('service_day', '=', serviceDay)]),
          eb('state', 'in', ['CALLED', 'IN_CONSULTATION']),
        ]),
      )
      .orderBy('queued_at')
      .orderBy('seq')
      .execute();
    const waits = await sql<{ minutes: number }>`
      SELECT (extract(epoch FROM called_at - checked_in_at) / 60)::float8 AS minutes
      FROM visits
      WHERE department_id = ${departmentId} AND service_day = ${serviceDay}::date
        AND called_at IS NOT NULL`.execute(db);
    const services = await sql<{ minutes: number }>`
      SELECT (extract(epoch FROM ended_at - started_at) / 60)::float8 AS minutes
      FROM visits
      WHERE department_id = ${departmentId} AND state = 'COMPLETED' AND started_at IS NOT NULL
      ORDER BY ended_at DESC
      LIMIT ${SERVICE_WINDOW}`.execute(db);
    const recent = await db
      .selectFrom('visits')
      .selectAll()
      .where('department_id', '=', departmentId)
      .where('service_day', '=', serviceDay)
      .where('called_at', 'is not', null)
      .orderBy('called_at', 'desc')
      .limit(RECENT_CALLS)
      .execute();
    const visits = active.map(toVisit);
    return {
      lastEventId: counter?.last_event_id ?? 0,
      priorityStreak: counter?.priority_streak ?? 0,
      waiting: visits.filter((v) => v.state === 'WAITING'),
      called: visits.filter((v) => v.state === 'CALLED'),
      inConsultation: visits.filter((v) => v.state === 'IN_CONSULTATION'),
      waitMinutesToday: waits.rows.map((r) => Number(r.minutes)),
      recentServiceMinutes: services.rows.map((r) => Number(r.minutes)),
      recentlyCalled: recent.map(toVisit),
    };
  },
});
