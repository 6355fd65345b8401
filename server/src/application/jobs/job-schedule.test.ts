import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { makeCloseOut } from './close-out.js';
import { startJobSchedule } from './job-schedule.js';
import { hourOf } from './scheduled-job.js';

describe('job periods', () => {
  it('close-out: the service day in the clinic time zone (it changes at local midnight)', () => {
    const closeOut = makeCloseOut({ timeZone: 'Europe/Paris' });
    expect(closeOut.period(new Date('2026-11-23T22:59:59Z'))).toBe('2026-11-23');
    expect(closeOut.period(new Date('2026-11-23T23:00:00Z'))).toBe('2026-11-24');
    // Summer time: midnight in Paris is 22:00 UTC.
    expect(closeOut.period(new Date('2026-06-30T22:00:00Z'))).toBe('2026-07-01');
  });

  it('hourly jobs: the UTC hour', () => {
    expect(hourOf(new Date('2026-11-23T14:59:59.999Z'))).toBe('2026-11-23T14');
    expect(hourOf(new Date('2026-11-23T15:00:00Z'))).toBe('2026-11-23T15');
  });
});

describe('startJobSchedule', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  /** A runner whose runs finish only when the test says so. */
  const gatedRunner = () => {
    const finishers: (() => void)[] = [];
    let calls = 0;
    return {
      calls: () => calls,
      finishAll: () => {
        for (const f of finishers.splice(0)) f();
      },
      runDue: () => {
        calls += 1;
        return new Promise<never[]>((resolve) => {
          finishers.push(() => resolve([]));
        });
      },
    };
  };

  it('ticks at start, then every interval, never stacking a tick on a run in progress', async () => {
    const runner = gatedRunner();
    const schedule = startJobSchedule(runner, { intervalMs: 1000, onError: () => {} });
    expect(runner.calls()).toBe(1);
    await vi.advanceTimersByTimeAsync(3000); // the first run is still going
    expect(runner.calls()).toBe(1);
    runner.finishAll();
    await vi.advanceTimersByTimeAsync(1000);
    expect(runner.calls()).toBe(2);
    runner.finishAll();
    await schedule.stop();
  });

  it('stop waits for the run in progress and starts no other', async () => {
    const runner = gatedRunner();
    const schedule = startJobSchedule(runner, { intervalMs: 1000, onError: () => {} });
    let stopped = false;
    const stopping = schedule.stop().then(() => {
      stopped = true;
    });
    await vi.advanceTimersByTimeAsync(10);
    expect(stopped).toBe(false);
    runner.finishAll();
    await stopping;
    await vi.advanceTimersByTimeAsync(5000);
    expect(runner.calls()).toBe(1);
  });

  it('a failing tick is reported and the next one still runs', async () => {
    const errors: unknown[] = [];
    let calls = 0;
    const schedule = startJobSchedule(
      {
        runDue: () => {
          calls += 1;
          return Promise.reject(new Error('boom'));
        },
      },
      { intervalMs: 1000, onError: (err) => errors.push(err) },
    );
    await vi.advanceTimersByTimeAsync(1000);
    expect(calls).toBe(2);
    expect(errors).toHaveLength(2);
    await schedule.stop();
  });
});
