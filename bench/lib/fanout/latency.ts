import fs from 'node:fs';
import path from 'node:path';
import { round, summarize, type LatencySummary } from '../stats.js';
import { fmt } from '../table.js';
import type { FanoutContext } from './context.js';
import { probeCommand, type MemorySample } from './procs.js';
import type { EventSample, OpenResult } from './protocol.js';
import type { EventsRun, RunCpu } from './run-events.js';
import { log } from './settings.js';

/**
 * 5. Latency: for each number of streams, BENCH_FANOUT_ROUNDS rounds of (reference run,
 * MediQue run), alternating so that a noisy minute on the machine hits both sides; each
 * side's samples are pooled over its rounds.
 */

export interface LatencyReport {
  readonly streams: number;
  readonly opened: OpenResult;
  /** The measured events (not the warm-up), kept for pooling rounds (the JSON keeps lastMs). */
  readonly samples: readonly EventSample[];
  /** Events triggered, warm-up included (the CPU per event divides by this). */
  readonly events: number;
  readonly serverCpuSeconds: number | null;
  /** Response → last stream. */
  readonly last: LatencySummary;
  /** Response → first stream. */
  readonly first: LatencySummary;
  /** First → last stream. */
  readonly spread: LatencySummary;
  /** The trigger's own latency (check-in or /publish). */
  readonly trigger: LatencySummary;
  readonly incomplete: number;
  readonly unverified: number;
  readonly outOfOrder: number;
  readonly dropped: number;
  readonly triggerErrors: Record<string, number>;
  readonly frameBytes: number | null;
  /** CPU milliseconds of the server (or hub) per event, and of the client (cores busy). */
  readonly serverCpuMsPerEvent: number | null;
  readonly clientCpuCores: number;
  readonly cpu: RunCpu | null;
  readonly memory?: {
    before: MemorySample;
    after: MemorySample;
    heapPerStream: number;
    rssPerStream: number;
  };
}

/** One number of streams: each side pooled over its rounds, and the rounds themselves. */
export interface LatencyRow {
  streams: number;
  reference: LatencyReport;
  mediqueue: LatencyReport;
  rounds: { reference: LatencyReport; mediqueue: LatencyReport }[];
}

type Side = EventsRun & { readonly opened: OpenResult };

const latencyReport = (streams: number, side: Side): LatencyReport => {
  const { opened, ran, cpuSeconds: serverCpuSeconds, cpu } = side;
  const s: readonly EventSample[] = ran.samples;
  const all = ran.warmup.length + ran.samples.length;
  return {
    streams,
    opened,
    samples: s,
    events: all,
    serverCpuSeconds,
    last: summarize(s.map((x) => x.lastMs)),
    first: summarize(s.map((x) => x.firstMs)),
    spread: summarize(s.map((x) => x.lastMs - x.firstMs)),
    trigger: summarize(s.map((x) => x.triggerMs)),
    incomplete: ran.incomplete,
    unverified: s.filter((x) => !x.verified).length,
    outOfOrder: ran.outOfOrder,
    dropped: ran.dropped,
    triggerErrors: ran.triggerErrors,
    frameBytes: ran.frameBytes,
    serverCpuMsPerEvent:
      serverCpuSeconds === null || all === 0 ? null : round((serverCpuSeconds * 1000) / all, 3),
    clientCpuCores: round(ran.clientCpuCores, 2),
    cpu,
  };
};

/** One side's rounds as one: samples pooled, counts summed, CPU averaged (other: the worst). */
const pooledReport = (streams: number, rounds: readonly LatencyReport[]): LatencyReport => {
  const first = rounds[0];
  if (first === undefined) throw new Error('no rounds');
  if (rounds.length === 1) return first;
  const s = rounds.flatMap((r) => r.samples);
  const sum = (f: (r: LatencyReport) => number): number => rounds.reduce((a, r) => a + f(r), 0);
  const mean = (f: (r: LatencyReport) => number | null | undefined): number | null => {
    const v = rounds.map(f).filter((x): x is number => x !== null && x !== undefined);
    return v.length === 0 ? null : round(v.reduce((a, b) => a + b, 0) / v.length, 2);
  };
  const max = (f: (r: LatencyReport) => number | null | undefined): number | null => {
    const v = rounds.map(f).filter((x): x is number => x !== null && x !== undefined);
    return v.length === 0 ? null : Math.max(...v);
  };
  const cpuSeconds = rounds.every((r) => r.serverCpuSeconds !== null)
    ? sum((r) => r.serverCpuSeconds ?? 0)
    : null;
  const events = sum((r) => r.events);
  const triggerErrors: Record<string, number> = {};
  for (const r of rounds) {
    for (const [k, n] of Object.entries(r.triggerErrors))
      triggerErrors[k] = (triggerErrors[k] ?? 0) + n;
  }
  return {
    streams,
    opened: {
      ...first.opened,
      requested: sum((r) => r.opened.requested),
      ready: sum((r) => r.opened.ready),
      failed: sum((r) => r.opened.failed),
      elapsedMs: sum((r) => r.opened.elapsedMs) / rounds.length,
    },
    samples: s,
    events,
    serverCpuSeconds: cpuSeconds,
    last: summarize(s.map((x) => x.lastMs)),
    first: summarize(s.map((x) => x.firstMs)),
    spread: summarize(s.map((x) => x.lastMs - x.firstMs)),
    trigger: summarize(s.map((x) => x.triggerMs)),
    incomplete: sum((r) => r.incomplete),
    unverified: sum((r) => r.unverified),
    outOfOrder: sum((r) => r.outOfOrder),
    dropped: sum((r) => r.dropped),
    triggerErrors,
    frameBytes: first.frameBytes,
    serverCpuMsPerEvent:
      cpuSeconds === null || events === 0 ? null : round((cpuSeconds * 1000) / events, 3),
    clientCpuCores: mean((r) => r.clientCpuCores) ?? 0,
    cpu: {
      server: mean((r) => r.cpu?.server),
      postgres: mean((r) => r.cpu?.postgres),
      client: mean((r) => r.cpu?.client) ?? 0,
      machine: mean((r) => r.cpu?.machine),
      other: max((r) => r.cpu?.other),
      busyBefore: max((r) => r.cpu?.busyBefore),
      waitedForQuietSeconds: sum((r) => r.cpu?.waitedForQuietSeconds ?? 0),
    },
    ...(first.memory !== undefined && { memory: first.memory }),
  };
};

/** The bare hub, started fresh: N streams, `/publish` as the trigger, its memory per stream. */
const referenceRun = async (
  ctx: FanoutContext,
  n: number,
  roundNo: number,
): Promise<LatencyReport> => {
  const { cfg } = ctx;
  const h = await ctx.startHub(
    cfg.cpuProfile
      ? ['--cpu-prof', `--cpu-prof-dir=${path.join(ctx.profileDir, `hub-${n}-${roundNo}`)}`]
      : [],
  );
  const hubBefore = await h.memory();
  const opened = await ctx.openStreams(
    { port: h.port, path: '/events', headers: {} },
    n,
    `reference, ${n} streams (round ${roundNo})`,
  );
  const hubAfter = await h.memory();
  log(`reference, ${n} streams: ${cfg.warmup} warm-up + ${cfg.events} events …`);
  const r = await ctx.runEvents({ kind: 'publish', port: h.port }, h.pid);
  ctx.checkRun(`reference ${n}`, r.ran);
  await ctx.closeStreams();
  await ctx.stopHub(h);
  const report: LatencyReport = {
    ...latencyReport(n, { opened, ...r }),
    memory: {
      before: hubBefore,
      after: hubAfter,
      heapPerStream: (hubAfter.heapUsed - hubBefore.heapUsed) / Math.max(1, opened.ready),
      rssPerStream: (hubAfter.rss - hubBefore.rss) / Math.max(1, opened.ready),
    },
  };
  log(
    `reference, ${n} streams: p50 ${fmt(report.last.p50Ms, 2)} ms, p99 ${fmt(report.last.p99Ms, 2)} ms (response → last stream)`,
  );
  return report;
};

/** A fresh department with N streams; check-ins as the trigger. */
const mediqueRun = async (
  ctx: FanoutContext,
  fdBaseline: number,
  n: number,
  roundNo: number,
): Promise<Side> => {
  const { cfg, server, run, profileDir } = ctx;
  const auth = await ctx.login();
  const dept = await ctx.department(auth);
  const opened = await ctx.openStreams(
    ctx.mediqueTarget(dept, auth),
    n,
    `MediQue, ${n} streams (round ${roundNo})`,
  );
  log(`MediQue, ${n} streams: ${cfg.warmup} warm-up + ${cfg.events} check-ins …`);
  // BENCH_CPU_PROF=1: the server is profiled during this run only (through the probe).
  const profileFile = path.join(profileDir, `mediqueue-${n}-${roundNo}.cpuprofile`);
  const r = await ctx.runEvents(
    { kind: 'checkin', port: server.port, authorization: auth, departmentId: dept },
    server.pid,
    cfg.warmup,
    cfg.events,
    cfg.cpuProfile
      ? {
          before: async () => {
            fs.mkdirSync(profileDir, { recursive: true });
            await probeCommand(server.pid, run.memFile, 'profile-start');
          },
          after: async () => {
            await probeCommand(server.pid, run.memFile, `profile-stop ${profileFile}`);
          },
        }
      : undefined,
  );
  ctx.checkRun(`MediQue ${n}`, r.ran);
  await ctx.closeStreams();
  await ctx.serverSettles(fdBaseline);
  const report = latencyReport(n, { opened, ...r });
  log(
    `MediQue, ${n} streams: p50 ${fmt(report.last.p50Ms, 2)} ms, p99 ${fmt(report.last.p99Ms, 2)} ms (check-in response → last stream)`,
  );
  return { opened, ...r };
};

export const latencyPhase = async (
  ctx: FanoutContext,
  fdBaseline: number,
): Promise<LatencyRow[]> => {
  const latency: LatencyRow[] = [];
  for (const n of ctx.cfg.sizes) {
    const refRounds: LatencyReport[] = [];
    const mqSides: Side[] = [];
    for (let roundNo = 1; roundNo <= ctx.cfg.rounds; roundNo++) {
      refRounds.push(await referenceRun(ctx, n, roundNo));
      mqSides.push(await mediqueRun(ctx, fdBaseline, n, roundNo));
    }
    const mqRounds = mqSides.map((side) => latencyReport(n, side));
    latency.push({
      streams: n,
      reference: pooledReport(n, refRounds),
      mediqueue: pooledReport(n, mqRounds),
      rounds: refRounds.map((reference, i) => ({
        reference,
        mediqueue: mqRounds[i] ?? reference,
      })),
    });
  }
  return latency;
};
