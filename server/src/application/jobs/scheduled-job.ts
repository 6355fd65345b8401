import type { Actor } from '../../domain/actor.js';
import type { VisitEvent } from '../../domain/events.js';
import type { RequestMeta, TxStores } from '../ports.js';

/**
 * A scheduled job (ADR 8): what it does inside the transaction that also claims its period.
 * The runner (job-runner.ts) decides when; a job only says which period a moment belongs to
 * and does one period's work.
 */
export type JobName = 'close-out' | 'retention' | 'pruning';

export interface JobResult {
  /** Rows changed, by kind; their sum is the run's "rows touched". Ids and counts only. */
  readonly rows: Readonly<Record<string, number>>;
  /** Committed visit events, published after commit so open screens see the change. */
  readonly events: readonly VisitEvent[];
}

/** What a job's work may touch; the claim and the audit row of the run are the runner's. */
export type JobStores = Pick<TxStores, 'visits' | 'housekeeping' | 'jobRuns'>;

export interface ScheduledJob {
  readonly name: JobName;
  /** The period `now` falls in. Each period of a job runs once across every instance. */
  period(now: Date): string;
  run(stores: JobStores, now: Date, period: string): Promise<JobResult>;
}

export const HOUR_MS = 60 * 60 * 1000;

/** The UTC hour `now` falls in (`2026-11-23T14`): the period of hourly jobs. */
export const hourOf = (now: Date): string => now.toISOString().slice(0, 13);

/** Who the audit trail names for a job's changes. */
export const jobActor = (job: JobName): Actor => ({ type: 'system', id: `job:${job}` });

/** Ties every audit row of one run together (the audit log's request id). */
export const jobMeta = (job: JobName, period: string): RequestMeta => ({
  ip: null,
  requestId: `job:${job}:${period}`,
});
