import { sql, type Kysely } from 'kysely';
import type { ReportReader } from '../../application/ports.js';
import type { Database } from './schema.js';

interface DailyRow {
  day: string;
  department_id: string;
  visits: number;
  completed: number;
  no_shows: number;
  cancelled: number;
  median_wait: number | null;
  p90_wait: number | null;
  median_service: number | null;
}

/**
 * Daily report figures in one statement, where the visits are.
 *
 * - A visit belongs to the calendar day of its check-in in the clinic's time zone (a
 *   check-in at 23:50 local time counts on that day, whatever UTC says and however late it
 *   was seen). The day bounds become instants (`date::timestamp AT TIME ZONE tz`), so the
 *   range is an index scan on (department_id, checked_in_at), daylight saving included.
 * - Outcomes are the visits' current states: a no-show who was requeued and then seen
 *   counts as completed. TRANSFERRED visits count as visits, in no outcome column (the
 *   new visit counts in its own department).
 * - Wait runs from check-in to the FIRST call: the earliest `visit.called` event (the
 *   event log is the record; `called_at` moves on recall and is cleared by
 *   return-to-queue), or `called_at` where events are missing. Service runs from start to
 *   completion, for completed visits. A negative span (clocks of two instances a few
 *   milliseconds apart) counts as 0.
 * - Medians and p90 are `percentile_cont`: linear interpolation between the closest
 *   ranks — the median of [10, 20] is 15 — which is what spreadsheets' MEDIAN and
 *   PERCENTILE.INC compute from the same minutes, so a manager checking the CSV gets the
 *   same figures. Rounded to 0.1 minute; null when no visit had the span.
 * - Every day in the range appears for every department reported, with zeros and nulls
 *   on quiet days: charts and spreadsheets need no gap-filling.
 */
export const makeReportReader = (db: Kysely<Database>): ReportReader => ({
  daily: async ({ departmentIds, includeInactive, from, to, timeZone }) => {
    if (departmentIds !== null && departmentIds.length === 0) return [];
    const start = sql`(${from}::date::timestamp AT TIME ZONE ${timeZone})`;
    const end = sql`((${to}::date + 1)::timestamp AT TIME ZONE ${timeZone})`;
    const inScope = departmentIds === null ? sql`true` : sql`d.id IN (${sql.join(departmentIds)})`;
    const visible = includeInactive
      ? sql`true`
      : sql`(d.active OR EXISTS (
          SELECT 1 FROM visits x
          WHERE x.department_id = d.id AND x.checked_in_at >= ${start} AND x.checked_in_at < ${end}))`;
    const result = await sql<DailyRow>`
      WITH deps AS (
        SELECT d.id, d.code FROM departments d WHERE ${inScope} AND ${visible}
      ), spans AS (
        SELECT v.department_id,
          (v.checked_in_at AT TIME ZONE ${timeZone})::date AS day,
          v.state,
          -- greatest() skips nulls, hence the CASEs: a visit never called has no wait.
          CASE WHEN first_call.at IS NOT NULL THEN
            greatest(0, extract(epoch FROM first_call.at - v.checked_in_at))::float8 / 60
          END AS wait,
          CASE WHEN v.state = 'COMPLETED' AND v.started_at IS NOT NULL THEN
            greatest(0, extract(epoch FROM v.ended_at - v.started_at))::float8 / 60
          END AS service
        FROM visits v
        LEFT JOIN LATERAL (
          SELECT least(min(e.occurred_at), v.called_at) AS at FROM visit_events e
          WHERE e.visit_id = v.id AND e.type = 'visit.called'
        ) first_call ON true
        WHERE v.department_id IN (SELECT id FROM deps)
          AND v.checked_in_at >= ${start} AND v.checked_in_at < ${end}
      ), figures AS (
        SELECT department_id, day,
          count(*)::int AS visits,
          count(*) FILTER (WHERE state = 'COMPLETED')::int AS completed,
          count(*) FILTER (WHERE state = 'NO_SHOW')::int AS no_shows,
          count(*) FILTER (WHERE state = 'CANCELLED')::int AS cancelled,
          percentile_cont(0.5) WITHIN GROUP (ORDER BY wait) AS median_wait,
          percentile_cont(0.9) WITHIN GROUP (ORDER BY wait) AS p90_wait,
          percentile_cont(0.5) WITHIN GROUP (ORDER BY service) AS median_service
        FROM spans
        GROUP BY department_id, day
      )
      SELECT to_char(days.day, 'YYYY-MM-DD') AS day,
        deps.id AS department_id,
        coalesce(f.visits, 0) AS visits,
        coalesce(f.completed, 0) AS completed,
        coalesce(f.no_shows, 0) AS no_shows,
        coalesce(f.cancelled, 0) AS cancelled,
        round(f.median_wait::numeric, 1)::float8 AS median_wait,
        round(f.p90_wait::numeric, 1)::float8 AS p90_wait,
        round(f.median_service::numeric, 1)::float8 AS median_service
      -- On timestamp (no time zone), so the session's TimeZone cannot shift a day.
      FROM generate_series(${from}::date::timestamp, ${to}::date::timestamp, interval '1 day')
        AS days (day)
      CROSS JOIN deps
      LEFT JOIN figures f ON f.day = days.day::date AND f.department_id = deps.id
      ORDER BY days.day, deps.code, deps.id`.execute(db);
    return result.rows.map((r) => ({
      day: r.day,
      departmentId: r.department_id,
      visits: r.visits,
      completed: r.completed,
      noShows: r.no_shows,
      cancelled: r.cancelled,
      medianWaitMinutes: r.median_wait,
      p90WaitMinutes: r.p90_wait,
      medianServiceMinutes: r.median_service,
    }));
  },
});
