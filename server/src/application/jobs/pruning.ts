import { HOUR_MS, hourOf, type ScheduledJob } from './scheduled-job.js';

/**
 * How long pruned records are kept. Idempotency records: the API promises a key is
 * remembered for 24 h. Failed logins: the lockout looks back 15 minutes; a day is left for
 * whoever investigates. Sessions: a family goes a day after its last token expired (an
 * expired token is refused anyway; reuse detection needs the rotated ones only while the
 * family lives). Job runs: the audit trail keeps every run; the table only needs the
 * current periods.
 */
export const pruneAfterHours = {
  idempotencyRecords: 24,
  loginFailures: 24,
  expiredSessions: 24,
  jobRuns: 90 * 24,
} as const;

export const makePruning = (): ScheduledJob => ({
  name: 'pruning',
  period: hourOf,
  run: async ({ housekeeping, jobRuns }, now) => {
    const before = (hours: number): Date => new Date(now.getTime() - hours * HOUR_MS);
    return {
      rows: {
        idempotencyRecords: await housekeeping.pruneIdempotencyRecords(
          before(pruneAfterHours.idempotencyRecords),
        ),
        loginFailures: await housekeeping.pruneLoginFailures(before(pruneAfterHours.loginFailures)),
        sessions: await housekeeping.pruneSessions(before(pruneAfterHours.expiredSessions)),
        jobRuns: await jobRuns.prune(before(pruneAfterHours.jobRuns)),
      },
      events: [],
    };
  },
});
