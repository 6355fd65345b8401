import { DAY_CLOSED } from '../../domain/visit.js';
import { sql, type Kysely } from 'kysely';
import type { Housekeeping, JobClaim, JobRuns } from '../../application/ports.js';
import type { Database } from './schema.js';
import { toVisit } from './visit.mapper.js';

/**
 * Advisory lock keys of scheduled jobs: (class, job). The two-integer key space is apart
 * from Kysely's migration lock (one bigint), and the class keeps ours apart from anyone
 * else's on the same database.
 */
const JOB_LOCK_CLASS = 0x4d51; // 'MQ'

/** `hashtext(job)` is the second key: stable on one server, which is all a lock needs. */
/** Name, phone, or a cancel reason staff typed (which may name the patient). */
const holdsPatientData = sql<boolean>`(display_name IS NOT NULL OR phone IS NOT NULL
  OR (cancel_reason IS NOT NULL AND cancel_reason <> ${DAY_CLOSED}))`;

export const makeJobRuns = (db: Kysely<Database>): JobRuns => ({
  /**
   * Two guards, one per failure mode. `pg_try_advisory_xact_lock` answers at once when
   * another instance holds the job (no connection parked behind a long run) and is freed
   * by COMMIT or ROLLBACK, so a crashed run never leaves it taken. The (job, period) row is
   * the durable part: it commits with the work, so an instance arriving after the run sees
   * it and skips; if the work fails, it rolls back with it and the next tick retries.
   */
  claim: async (job, period, at): Promise<JobClaim> => {
    const lock = await sql<{ locked: boolean }>`
      SELECT pg_try_advisory_xact_lock(${JOB_LOCK_CLASS}, hashtext(${job})) AS locked`.execute(db);
    if (lock.rows[0]?.locked !== true) return 'running_elsewhere';
    const inserted = await db
      .insertInto('job_runs')
      .values({ job, period, started_at: at })
      .onConflict((oc) => oc.columns(['job', 'period']).doNothing())
      .returning('job')
      .executeTakeFirst();
    return inserted === undefined ? 'already_ran' : 'claimed';
  },

  finish: async (job, period, rowsTouched) => {
    await db
      .updateTable('job_runs')
      .set({ rows_touched: rowsTouched })
      .where('job', '=', job)
      .where('period', '=', period)
      .execute();
  },

  prune: async (before) => {
    const result = await db
      .deleteFrom('job_runs')
      .where('started_at', '<', before)
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  },
});

const compare = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

const deleted = (result: { numDeletedRows: bigint }): number => Number(result.numDeletedRows);

export const makeHousekeeping = (db: Kysely<Database>): Housekeeping => ({
  /**
   * Lock order (docs/architecture.md): visit rows first, then department counters. This one
   * statement locks every visit before any counter is touched, in id order (as retention
   * does, so the two jobs never wait on each other in a cycle); the rows are then handed
   * back by department, so the counters follow in department id order — a transfer's order.
   * A row a request holds is waited for (briefly: nobody holding a visit waits for us) and
   * re-checked after: one that moved on meanwhile no longer matches and is left alone.
   */
  lockLeftOpen: async (beforeServiceDay) => {
    const rows = await db
      .selectFrom('visits')
      .selectAll()
      .where('state', 'in', ['WAITING', 'CALLED'])
      .where('service_day', '<', beforeServiceDay)
      .orderBy('id')
      .forUpdate()
      .execute();
    return rows
      .map(toVisit)
      .sort((a, b) => compare(a.departmentId, b.departmentId) || compare(a.id, b.id));
  },

  /**
   * Events are found through the visits erased now (their index), not by scanning the whole
   * log: an event is always a copy of its visit's row (to_jsonb) as the change left it.
   *
   * Two statements, for a race: a transition that committed while we waited for its visit's
   * row lock wrote an event our first snapshot cannot see. So the rows are locked first; the
   * erasing statement then starts with a fresh snapshot that holds every event written so
   * far, and no new one can be written for these visits until we commit — after which a
   * transition copies the erased row.
   */
  erasePatientData: async (checkedInBefore) => {
    const locked = await sql<{ id: string }>`
      SELECT id FROM visits
      WHERE checked_in_at < ${checkedInBefore} AND ${holdsPatientData}
      ORDER BY id
      FOR UPDATE`.execute(db);
    if (locked.rows.length === 0) return { visits: 0, events: 0 };
    const result = await sql<{ visits: number; events: number }>`
      WITH v AS (
        UPDATE visits SET display_name = NULL, phone = NULL,
          cancel_reason = CASE WHEN cancel_reason = ${DAY_CLOSED} THEN cancel_reason END
        WHERE checked_in_at < ${checkedInBefore} AND ${holdsPatientData}
        RETURNING id
      ), e AS (
        UPDATE visit_events
        SET visit = visit || jsonb_build_object(
          'display_name', NULL, 'phone', NULL,
          'cancel_reason', CASE WHEN visit->>'cancel_reason' = ${DAY_CLOSED} THEN ${DAY_CLOSED} END)
        WHERE visit_id IN (SELECT id FROM v)
        RETURNING 1
      )
      SELECT (SELECT count(*) FROM v)::int AS visits, (SELECT count(*) FROM e)::int AS events`.execute(
      db,
    );
    const row = result.rows[0];
    return { visits: Number(row?.visits ?? 0), events: Number(row?.events ?? 0) };
  },

  pruneIdempotencyRecords: async (createdBefore) =>
    deleted(
      await db
        .deleteFrom('idempotency_keys')
        .where('created_at', '<', createdBefore)
        .executeTakeFirst(),
    ),

  pruneLoginFailures: async (before) =>
    deleted(await db.deleteFrom('login_failures').where('at', '<', before).executeTakeFirst()),

  /**
   * Whole families only: a rotated token is kept while its family lives, because
   * presenting it again is how reuse is detected (sessions.ts).
   */
  pruneSessions: async (expiredBefore) =>
    deleted(
      await db
        .deleteFrom('sessions')
        .where('family_id', 'in', (eb) =>
          eb
            .selectFrom('sessions')
            .select('family_id')
            .groupBy('family_id')
            .having((h) => h.fn.max('expires_at'), '<', expiredBefore),
        )
        .executeTakeFirst(),
    ),
});
