import type { Clock, EventPublisher, Transactor, TxStores } from '../ports.js';
import { makeCloseOut } from './close-out.js';
import { makePruning } from './pruning.js';
import { makeRetention } from './retention.js';
import {
  jobActor,
  jobMeta,
  type JobName,
  type JobStores,
  type ScheduledJob,
} from './scheduled-job.js';

/** What one job did on one call of `runDue`. */
export interface JobOutcome {
  readonly job: JobName;
  readonly period: string;
  /**
   * ran: this instance did the period's work (and audited it). already_ran: some instance
   * did, earlier. running_elsewhere: another instance holds it now; the next tick looks
   * again. failed: rolled back, nothing of it committed; the next tick retries.
   */
  readonly outcome: 'ran' | 'already_ran' | 'running_elsewhere' | 'failed';
  readonly rows?: Readonly<Record<string, number>>;
  readonly error?: unknown;
}

interface Deps {
  readonly tx: Transactor<JobStores & Pick<TxStores, 'audit'>>;
  readonly clock: Clock;
  readonly events: EventPublisher;
  readonly timeZone: string;
  readonly retentionDays: number;
  /** Told about every outcome (logs, metrics). */
  readonly onOutcome?: (outcome: JobOutcome) => void;
}

const sum = (rows: Readonly<Record<string, number>>): number =>
  Object.values(rows).reduce((a, b) => a + b, 0);

/**
 * Runs the scheduled jobs (ADR 8). Every instance calls `runDue` on its own timer
 * (job-schedule.ts); each job's period runs once across all of them, because the claim,
 * the work, the audit row and the period's record commit in one transaction.
 *
 * Time comes only from the injected clock: tests move a manual clock and call `runDue`.
 */
export const makeJobRunner = ({ tx, clock, events, timeZone, retentionDays, onOutcome }: Deps) => {
  const jobs: readonly ScheduledJob[] = [
    makeCloseOut({ timeZone }),
    makeRetention({ retentionDays }),
    makePruning(),
  ];
  /** The last period each job is known to have run (here or elsewhere): no query till the next. */
  const settled = new Map<JobName, string>();

  const runJob = async (job: ScheduledJob, now: Date, period: string): Promise<JobOutcome> => {
    const base = { job: job.name, period };
    try {
      const result = await tx.run(async (stores) => {
        const claim = await stores.jobRuns.claim(job.name, period, now);
        if (claim !== 'claimed') return { claim } as const;
        const { rows, events: changes } = await job.run(stores, now, period);
        const rowsTouched = sum(rows);
        await stores.jobRuns.finish(job.name, period, rowsTouched);
        await stores.audit.record({
          actor: jobActor(job.name),
          action: 'job.run',
          entity: 'job',
          entityId: job.name,
          after: { period, rowsTouched, rows },
          meta: jobMeta(job.name, period),
        });
        return { claim, rows, changes } as const;
      });
      switch (result.claim) {
        case 'running_elsewhere':
          return { ...base, outcome: 'running_elsewhere' };
        case 'already_ran':
          settled.set(job.name, period);
          return { ...base, outcome: 'already_ran' };
        case 'claimed':
          settled.set(job.name, period);
          if (result.changes.length > 0) events.publish(result.changes);
          return { ...base, outcome: 'ran', rows: result.rows };
        default: {
          const unreachable: never = result;
          return unreachable;
        }
      }
    } catch (error) {
      return { ...base, outcome: 'failed', error };
    }
  };

  return {
    jobNames: jobs.map((j) => j.name),
    /**
     * Runs each job whose current period has not run yet, one after the other. Never
     * rejects: a failed job is reported in its outcome and retried on the next call. Jobs
     * already settled for their period are skipped without a query (and not reported).
     */
    runDue: async (): Promise<JobOutcome[]> => {
      const now = clock.now();
      const outcomes: JobOutcome[] = [];
      for (const job of jobs) {
        const period = job.period(now);
        if (settled.get(job.name) === period) continue;
        const outcome = await runJob(job, now, period);
        outcomes.push(outcome);
        onOutcome?.(outcome);
      }
      return outcomes;
    },
  };
};

export type JobRunner = ReturnType<typeof makeJobRunner>;
