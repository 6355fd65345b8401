import http from 'node:http';
import { checkpoint } from '../db.js';
import { closedLoop, openLoop, type LoadResult } from '../load.js';
import type { ServerHandle } from '../server.js';
import { round, summarize, type LatencySummary } from '../stats.js';
import { activitySampler, cpuMeter, transactionCounts, type CpuUse } from '../sysmon.js';
import { fmt } from '../table.js';
import type { Clinic } from './app.js';
import { absorb, log, type Run } from './context.js';

export interface PhaseReport {
  readonly name: string;
  readonly checkinsPerSecond: number;
  readonly latency: LatencySummary;
  readonly errors: number;
  readonly errorKinds: Record<string, number>;
  readonly cpu: CpuUse;
  /** Server CPU milliseconds per check-in, Postgres CPU milliseconds per check-in. */
  readonly cpuMsPerCheckin: { server: number | null; postgres: number | null };
  /** ≈ (pg_stat_database is flushed about once a second per backend). */
  readonly transactionsPerCheckin: number | null;
  /** Average number of the server's Postgres connections in each state. */
  readonly connectionStates: Record<string, number>;
}

/** Runs one measured load phase with CPU, transaction and connection-state monitoring. */
const measuredPhase = async (
  run: Run,
  server: ServerHandle,
  name: string,
  load: () => Promise<LoadResult>,
): Promise<{ report: PhaseReport; result: LoadResult }> => {
  const { adminUrl, cfg } = run;
  await checkpoint(adminUrl);
  const xactBefore = await transactionCounts(adminUrl, cfg.appDatabase);
  const sampler = await activitySampler(adminUrl, cfg.appDatabase);
  const cpu = cpuMeter(server.pid, adminUrl, cfg.appDatabase);
  sampler.start();
  const result = await load();
  const cpuUse = await cpu.stop();
  const states = await sampler.stop();
  // Let idle backends flush their statistics (PG 15 flushes at most once a second).
  await new Promise((r) => setTimeout(r, 1100));
  const xactAfter = await transactionCounts(adminUrl, cfg.appDatabase);
  absorb(run.tally, result);
  const rate = result.measuredOk / result.measuredSeconds;
  const perCheckin = (cores: number | null): number | null =>
    cores === null || rate === 0 ? null : round((cores / rate) * 1000, 3);
  return {
    result,
    report: {
      name,
      checkinsPerSecond: round(rate, 1),
      latency: summarize(result.latenciesMs),
      errors: result.errors,
      errorKinds: Object.fromEntries(result.errorKinds),
      cpu: cpuUse,
      cpuMsPerCheckin: { server: perCheckin(cpuUse.server), postgres: perCheckin(cpuUse.postgres) },
      transactionsPerCheckin:
        result.totalSent === 0
          ? null
          : round((xactAfter.commits - xactBefore.commits) / result.totalSent, 2),
      connectionStates: states,
    },
  };
};

/** An open-loop run: its report, its fixed rate, and how often the generator fell behind. */
export interface OpenLoopRun {
  readonly report: PhaseReport;
  readonly ratePerSecond: number;
  readonly lateSchedules: number;
}

export interface Scenarios {
  readonly a: PhaseReport;
  readonly b: PhaseReport;
  readonly openA: OpenLoopRun;
  readonly openB: OpenLoopRun;
}

/**
 * Scenarios A (closed loop, one department) and B (round-robin over all), then each in an
 * open loop at BENCH_OPEN_FRACTION of its measured peak. The latency target (issue 11) is
 * B's p99 in the open loop.
 */
export const scenariosPhase = async (
  run: Run,
  server: ServerHandle,
  clinic: Clinic,
): Promise<Scenarios> => {
  const { cfg } = run;
  const { targets, targetA } = clinic;
  const roundRobin = (i: number) => targets[i % targets.length] ?? targetA;
  const loadAgent = new http.Agent({
    keepAlive: true,
    maxSockets: cfg.connections,
    maxFreeSockets: cfg.connections,
  });
  const load = {
    agent: loadAgent,
    port: server.port,
    warmupSeconds: cfg.warmupSeconds,
    seconds: cfg.seconds,
  };

  log(
    `scenario A: ${cfg.connections} connections → 1 department, ${cfg.warmupSeconds} s warm-up + ${cfg.seconds} s …`,
  );
  const a = await measuredPhase(run, server, 'A: 1 department', () =>
    closedLoop({ ...load, connections: cfg.connections, pick: () => targetA }),
  );
  log(`scenario A: ${fmt(a.report.checkinsPerSecond, 1)} check-ins/s, ${a.report.errors} errors`);

  log(`scenario B: ${cfg.connections} connections → ${targets.length} departments round-robin …`);
  const b = await measuredPhase(run, server, `B: ${targets.length} departments`, () =>
    closedLoop({ ...load, connections: cfg.connections, pick: roundRobin }),
  );
  log(`scenario B: ${fmt(b.report.checkinsPerSecond, 1)} check-ins/s, ${b.report.errors} errors`);

  /** `side` at BENCH_OPEN_FRACTION of `peak` for BENCH_OPEN_SECONDS. */
  const openRun = async (
    side: 'A' | 'B',
    peak: PhaseReport,
    pick: (i: number) => (typeof targets)[number],
  ): Promise<OpenLoopRun> => {
    const rate = Math.max(1, round(peak.checkinsPerSecond * cfg.openLoopFraction, 1));
    log(
      `open loop: scenario ${side} at ${fmt(rate, 1)} /s (${cfg.openLoopFraction * 100} % of its peak) for ${cfg.openLoopSeconds} s …`,
    );
    let lateSchedules = 0;
    const o = await measuredPhase(
      run,
      server,
      `${side} open loop @ ${Math.round(cfg.openLoopFraction * 100)} %`,
      async () => {
        const r = await openLoop({
          ...load,
          seconds: cfg.openLoopSeconds,
          ratePerSecond: rate,
          pick,
        });
        lateSchedules = r.lateSchedules;
        return r;
      },
    );
    log(
      `open loop${side === 'A' ? '' : ` ${side}`}: p50 ${fmt(o.report.latency.p50Ms, 2)} ms, p99 ${fmt(o.report.latency.p99Ms, 2)} ms`,
    );
    return { report: o.report, ratePerSecond: rate, lateSchedules };
  };
  const openA = await openRun('A', a.report, () => targetA);
  // The latency target (issue 11): p99 at 70 % of the ten-department peak.
  const openB = await openRun('B', b.report, roundRobin);
  loadAgent.destroy();
  return { a: a.report, b: b.report, openA, openB };
};
