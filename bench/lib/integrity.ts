import { withClient } from './db.js';

export interface IntegrityReport {
  readonly ok: boolean;
  readonly problems: string[];
  readonly visits: number;
  readonly events: number;
  readonly perDepartment: { code: string; visits: number; events: number }[];
}

/**
 * After the load: per department (and service day — the sequence restarts each day),
 * `seq` is exactly 1..N and tickets are unique; per department, `visit_events.event_id`
 * is exactly 1..M; every check-in answered 201 is a row, and every row was answered 201.
 * "Exactly 1..N" is checked as min = 1, max = N and N distinct values over N rows.
 */
export const verifyIntegrity = (appUrl: string, expectedVisits: number): Promise<IntegrityReport> =>
  withClient(appUrl, async (c) => {
    const problems: string[] = [];

    const seqs = await c.query<{
      code: string;
      day: string;
      n: number;
      lo: number;
      hi: number;
      distinct_seq: number;
      distinct_ticket: number;
    }>(`
      SELECT d.code, v.service_day::text AS day, count(*)::int AS n, min(v.seq) AS lo,
             max(v.seq) AS hi, count(DISTINCT v.seq)::int AS distinct_seq,
             count(DISTINCT v.ticket)::int AS distinct_ticket
        FROM visits v JOIN departments d ON d.id = v.department_id
       GROUP BY d.code, v.service_day ORDER BY d.code, v.service_day`);
    for (const r of seqs.rows) {
      if (r.lo !== 1 || r.hi !== r.n || r.distinct_seq !== r.n) {
        problems.push(
          `${r.code} ${r.day}: seq is not 1..${r.n} (min ${r.lo}, max ${r.hi}, ${r.distinct_seq} distinct)`,
        );
      }
      if (r.distinct_ticket !== r.n) {
        problems.push(`${r.code} ${r.day}: ${r.n - r.distinct_ticket} duplicate tickets`);
      }
    }
    const dupTickets = await c.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM (SELECT 1 FROM visits GROUP BY service_day, ticket
        HAVING count(*) > 1) x`,
    );
    if ((dupTickets.rows[0]?.n ?? 0) > 0) {
      problems.push(`${dupTickets.rows[0]?.n} tickets are used twice on one service day`);
    }

    const events = await c.query<{
      code: string;
      visits: number;
      m: number;
      lo: number;
      hi: number;
      distinct_id: number;
    }>(`
      SELECT d.code,
             (SELECT count(*)::int FROM visits v WHERE v.department_id = d.id) AS visits,
             count(e.event_id)::int AS m, min(e.event_id) AS lo, max(e.event_id) AS hi,
             count(DISTINCT e.event_id)::int AS distinct_id
        FROM departments d LEFT JOIN visit_events e ON e.department_id = d.id
       GROUP BY d.id, d.code ORDER BY d.code`);
    for (const r of events.rows) {
      if (r.m > 0 && (r.lo !== 1 || r.hi !== r.m || r.distinct_id !== r.m)) {
        problems.push(
          `${r.code}: event ids are not 1..${r.m} (min ${r.lo}, max ${r.hi}, ${r.distinct_id} distinct)`,
        );
      }
      // Only check-ins happen in the benchmark: one event per visit.
      if (r.m !== r.visits) problems.push(`${r.code}: ${r.visits} visits but ${r.m} events`);
    }

    const totals = await c.query<{ visits: number; events: number; keys: number; linked: number }>(`
      SELECT (SELECT count(*)::int FROM visits) AS visits,
             (SELECT count(*)::int FROM visit_events) AS events,
             (SELECT count(*)::int FROM idempotency_keys) AS keys,
             (SELECT count(*)::int FROM idempotency_keys
               WHERE visit_id IS NOT NULL AND response_status = 201) AS linked`);
    const t = totals.rows[0] ?? { visits: 0, events: 0, keys: 0, linked: 0 };
    if (t.visits !== expectedVisits) {
      problems.push(
        `${expectedVisits} check-ins were answered 201 but there are ${t.visits} visits`,
      );
    }
    if (t.keys !== t.visits || t.linked !== t.visits) {
      problems.push(
        `${t.keys} idempotency keys (${t.linked} linked to a visit with 201) for ${t.visits} visits`,
      );
    }

    return {
      ok: problems.length === 0,
      problems,
      visits: t.visits,
      events: t.events,
      perDepartment: events.rows.map((r) => ({ code: r.code, visits: r.visits, events: r.m })),
    };
  });
