import type { JobRunner } from './job-runner.js';

export interface JobSchedule {
  /** No new tick starts; resolves once a run in progress has finished (commit or rollback). */
  stop(): Promise<void>;
}

/** A minute: close-out starts within a minute of local midnight; hourly jobs within the hour's first. */
export const JOB_TICK_MS = 60_000;

/**
 * Every instance ticks: at start (to catch up on whatever came due while it was down), then
 * every `intervalMs`. A tick only asks the runner; the runner's claim decides which instance
 * does a period's work, and a settled period costs no query. A tick that finds the previous
 * one still running is skipped rather than stacked. The timer does not keep the process alive.
 */
export const startJobSchedule = (
  runner: Pick<JobRunner, 'runDue'>,
  { intervalMs = JOB_TICK_MS, onError }: { intervalMs?: number; onError: (err: unknown) => void },
): JobSchedule => {
  let running: Promise<void> | null = null;
  const tick = (): void => {
    if (running !== null) return;
    running = runner
      .runDue()
      .then(() => undefined, onError)
      .finally(() => {
        running = null;
      });
  };
  const timer = setInterval(tick, intervalMs);
  timer.unref();
  tick();
  return {
    stop: async () => {
      clearInterval(timer);
      await running;
    },
  };
};
