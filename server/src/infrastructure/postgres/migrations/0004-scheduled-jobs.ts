import { sql, type Kysely } from 'kysely';

/**
 * Scheduled jobs (ADR 8): one row per job per period, written in the transaction that does
 * the job's work. Its primary key is what makes a period run once across every instance;
 * the non-blocking advisory lock taken before it only spares the others the wait.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE job_runs (
      job text NOT NULL,
      -- The job's period: a service day (close-out) or a UTC hour (retention, pruning).
      period text NOT NULL,
      -- From the application clock, like every other time the service acts on.
      started_at timestamptz NOT NULL,
      rows_touched integer,
      PRIMARY KEY (job, period)
    );
    CREATE INDEX job_runs_started_idx ON job_runs (started_at);

    -- Retention finds the visits that still hold a name or phone; the index shrinks as
    -- they are erased, so the hourly run stays cheap however long the history grows.
    CREATE INDEX visits_patient_data_idx ON visits (checked_in_at)
      WHERE display_name IS NOT NULL OR phone IS NOT NULL;

    -- Pruning removes old failed logins by time alone.
    CREATE INDEX login_failures_at_idx ON login_failures (at);
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    DROP INDEX login_failures_at_idx;
    DROP INDEX visits_patient_data_idx;
    DROP TABLE job_runs;
  `.execute(db);
}
