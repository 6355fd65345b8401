import http from 'node:http';
import { performance } from 'node:perf_hooks';
import { randomBytes } from 'node:crypto';
import { postCheckin } from './http.js';

/** Where one check-in goes and with which credential. */
export interface CheckinTarget {
  readonly departmentId: string;
  readonly authorization: string;
  /** `{"departmentId":…}`, serialised once. */
  readonly body: string;
}

export const checkinTarget = (departmentId: string, authorization: string): CheckinTarget => ({
  departmentId,
  authorization,
  body: JSON.stringify({ departmentId }),
});

export interface LoadResult {
  /** 201s completed inside the measured window. */
  readonly measuredOk: number;
  readonly measuredSeconds: number;
  /** Latency (ms) of each request completed inside the measured window, 201 or not. */
  readonly latenciesMs: number[];
  /** Every 201 of the run, warm-up and tail included (for the integrity cross-check). */
  readonly totalOk: number;
  readonly totalSent: number;
  readonly errors: number;
  /** "status: body" → how many times. */
  readonly errorKinds: Map<string, number>;
}

class Recorder {
  measuredOk = 0;
  latenciesMs: number[] = [];
  totalOk = 0;
  totalSent = 0;
  errors = 0;
  errorKinds = new Map<string, number>();
  private readonly keyPrefix = `bench-${randomBytes(6).toString('hex')}`;
  private next = 0;

  key(): string {
    this.next += 1;
    return `${this.keyPrefix}-${this.next}`;
  }

  /** `measured`: whether this request belongs to the measured window. */
  record(
    started: number,
    finished: number,
    status: number,
    problem: string | null,
    measured: boolean,
  ): void {
    if (status === 201) {
      this.totalOk += 1;
      if (measured) this.measuredOk += 1;
    } else {
      this.errors += 1;
      const kind = problem ?? String(status);
      this.errorKinds.set(kind, (this.errorKinds.get(kind) ?? 0) + 1);
    }
    if (measured) this.latenciesMs.push(finished - started);
  }

  result(measuredSeconds: number): LoadResult {
    return {
      measuredOk: this.measuredOk,
      measuredSeconds,
      latenciesMs: this.latenciesMs,
      totalOk: this.totalOk,
      totalSent: this.totalSent,
      errors: this.errors,
      errorKinds: this.errorKinds,
    };
  }
}

export interface LoadOptions {
  readonly agent: http.Agent;
  readonly port: number;
  readonly warmupSeconds: number;
  readonly seconds: number;
  /** The i-th request's destination (round-robin, single department, …). */
  readonly pick: (i: number) => CheckinTarget;
}

/**
 * Closed loop: `connections` workers, each sending its next check-in as soon as the
 * previous one is answered. Throughput = 201s completed in the measured window / window.
 */
export const closedLoop = async (
  options: LoadOptions & { readonly connections: number },
): Promise<LoadResult> => {
  const { agent, port, pick } = options;
  const rec = new Recorder();
  const start = performance.now();
  const measureFrom = start + options.warmupSeconds * 1000;
  const measureTo = measureFrom + options.seconds * 1000;
  let issued = 0;

  const worker = async (): Promise<void> => {
    while (performance.now() < measureTo) {
      const target = pick(issued++);
      rec.totalSent += 1;
      const t0 = performance.now();
      const out = await postCheckin(agent, port, target.authorization, rec.key(), target.body);
      const t1 = performance.now();
      rec.record(t0, t1, out.status, out.problem, t1 >= measureFrom && t1 < measureTo);
    }
  };
  await Promise.all(Array.from({ length: options.connections }, worker));
  return rec.result(options.seconds);
};

/**
 * Open loop: requests are *scheduled* at a fixed rate whatever the server does, and each
 * latency is measured from its scheduled send time — a request that waits for a free
 * connection (or behind a slow one) is charged for the wait, so a stall cannot hide
 * itself by slowing the sender (no coordinated omission).
 */
export const openLoop = async (
  options: LoadOptions & { readonly ratePerSecond: number },
): Promise<LoadResult & { readonly lateSchedules: number }> => {
  const { agent, port, pick, ratePerSecond } = options;
  const rec = new Recorder();
  const interval = 1000 / ratePerSecond;
  const start = performance.now();
  const measureFrom = start + options.warmupSeconds * 1000;
  const measureTo = measureFrom + options.seconds * 1000;
  const total = Math.floor(((measureTo - start) / 1000) * ratePerSecond);
  const inFlight = new Set<Promise<void>>();
  let sent = 0;
  // How often the generator itself fell > 5 ms behind its schedule (a busy client skews results).
  let lateSchedules = 0;

  await new Promise<void>((done) => {
    const tick = (): void => {
      const now = performance.now();
      while (sent < total && start + sent * interval <= now) {
        const scheduled = start + sent * interval;
        if (now - scheduled > 5) lateSchedules += 1;
        const target = pick(sent);
        sent += 1;
        rec.totalSent += 1;
        const p = postCheckin(agent, port, target.authorization, rec.key(), target.body).then(
          (out) => {
            // Measured: everything *scheduled* in the window, however late it completes.
            const measured = scheduled >= measureFrom;
            rec.record(scheduled, performance.now(), out.status, out.problem, measured);
            inFlight.delete(p);
          },
        );
        inFlight.add(p);
      }
      if (sent >= total) done();
      else setTimeout(tick, Math.max(0, Math.min(1, start + sent * interval - now)));
    };
    tick();
  });
  await Promise.all(inFlight);
  return { ...rec.result(options.seconds), lateSchedules };
};
