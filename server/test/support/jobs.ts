import { sql, type Kysely } from 'kysely';
import type { JobOutcome } from '../../src/application/jobs/job-runner.js';

/** Helpers for the scheduled-job tests (ADR 8). */

/** Every column of every table that can hold text: where a name or phone could hide. */
export const textColumns = async <DB>(
  db: Kysely<DB>,
): Promise<{ table: string; column: string }[]> => {
  const { rows } = await sql<{ table: string; column: string }>`
    SELECT c.table_name AS "table", c.column_name AS "column"
    FROM information_schema.columns c
    JOIN information_schema.tables t
      ON t.table_schema = c.table_schema AND t.table_name = c.table_name
    WHERE c.table_schema = 'public' AND t.table_type = 'BASE TABLE'
      AND c.data_type IN ('text', 'character varying', 'character', 'json', 'jsonb')
    ORDER BY 1, 2`.execute(db);
  return rows;
};

/** `table.column` for every column of every table whose value contains `needle`. */
export const whereStored = async <DB>(db: Kysely<DB>, needle: string): Promise<string[]> => {
  const hits: string[] = [];
  for (const { table, column } of await textColumns(db)) {
    const { rows } = await sql<{ n: number }>`
      SELECT count(*)::int AS n FROM ${sql.table(table)}
      WHERE ${sql.ref(column)}::text ILIKE ${`%${needle}%`}`.execute(db);
    if (Number(rows[0]?.n ?? 0) > 0) hits.push(`${table}.${column}`);
  }
  return hits;
};

/** How many `job.run` audit rows each job wrote for each period: `close-out@2026-11-24` → 1. */
export const jobRunCounts = async <DB>(db: Kysely<DB>): Promise<Record<string, number>> => {
  const { rows } = await sql<{ key: string; n: number }>`
    SELECT entity_id || '@' || (after->>'period') AS key, count(*)::int AS n
    FROM audit_events WHERE action = 'job.run'
    GROUP BY 1 ORDER BY 1`.execute(db);
  return Object.fromEntries(rows.map((r) => [r.key, Number(r.n)]));
};

/** The outcomes, failing loudly (with the error) if a job failed. */
export const noFailures = (outcomes: readonly JobOutcome[]): readonly JobOutcome[] => {
  const failed = outcomes.find((o) => o.outcome === 'failed');
  if (failed !== undefined) {
    throw new Error(`job ${failed.job} failed`, { cause: failed.error });
  }
  return outcomes;
};

/** Of several instances' outcomes for one round, how many actually ran each job. */
export const ranPerJob = (
  ...rounds: readonly (readonly JobOutcome[])[]
): Record<string, number> => {
  const ran: Record<string, number> = {};
  for (const o of rounds.flat()) {
    ran[o.job] = (ran[o.job] ?? 0) + (o.outcome === 'ran' ? 1 : 0);
  }
  return ran;
};
