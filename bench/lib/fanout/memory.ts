import fs from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { diffSnapshots, type HeapGroup } from '../heap-diff.js';
import { round } from '../stats.js';
import { cpuMeter, transactionCounts } from '../sysmon.js';
import { fmt, table } from '../table.js';
import type { FanoutContext } from './context.js';
import type { MemorySample } from './procs.js';
import type { OpenResult } from './protocol.js';
import { kib, log, mib, resultsDir } from './settings.js';

/** 4. Memory: connect/disconnect cycles, idle streams, and (on request) heap snapshots. */

export interface CycleSample {
  cycle: number;
  rss: number;
  heapUsed: number;
  serverFds: number;
}

export interface Cycles {
  readonly samples: CycleSample[];
  readonly baseline: MemorySample | null;
  /** Growth from the 2nd cycle (the 1st if there is one only) to the last. */
  readonly from: CycleSample | undefined;
  readonly to: CycleSample | undefined;
  readonly rssGrowth: number | null;
  readonly heapGrowth: number | null;
}

/** BENCH_FANOUT_CYCLES × (open BENCH_FANOUT_CYCLE_STREAMS, close all, settle, GC, read). */
export const cyclesPhase = async (ctx: FanoutContext, fdBaseline: number): Promise<Cycles> => {
  const { cfg } = ctx;
  const samples: CycleSample[] = [];
  let baseline: MemorySample | null = null;
  if (cfg.cycles > 0 && cfg.cycleStreams > 0) {
    const auth = await ctx.login();
    const dept = await ctx.department(auth);
    baseline = await ctx.memory();
    log(
      `memory before the cycles: RSS ${mib(baseline.rss)} MiB, heap ${mib(baseline.heapUsed)} MiB (after GC)`,
    );
    for (let c = 1; c <= cfg.cycles; c++) {
      await ctx.openStreams(ctx.mediqueTarget(dept, auth), cfg.cycleStreams, `cycle ${c}`);
      await ctx.closeStreams();
      const fds = await ctx.serverSettles(fdBaseline);
      const m = await ctx.memory();
      samples.push({ cycle: c, rss: m.rss, heapUsed: m.heapUsed, serverFds: fds });
      log(`cycle ${c}: RSS ${mib(m.rss)} MiB, heap ${mib(m.heapUsed)} MiB, server fds ${fds}`);
    }
  }
  const from = samples[1] ?? samples[0];
  const to = samples[samples.length - 1];
  return {
    samples,
    baseline,
    from,
    to,
    rssGrowth: from && to ? to.rss - from.rss : null,
    heapGrowth: from && to ? to.heapUsed - from.heapUsed : null,
  };
};

export interface Idle {
  streams: number;
  opened: OpenResult;
  heldSeconds: number;
  stillOpen: number;
  before: MemorySample;
  after: MemorySample;
  heapPerStream: number;
  rssPerStream: number;
  externalPerStream: number;
  cost: {
    serverCores: number | null;
    postgresCores: number | null;
    otherCores: number | null;
    transactionsPerSecond: number;
  };
}

/** BENCH_FANOUT_IDLE_STREAMS held BENCH_FANOUT_IDLE_SECONDS: memory per stream, idle cost. */
export const idlePhase = async (ctx: FanoutContext, fdBaseline: number): Promise<Idle | null> => {
  const { cfg } = ctx;
  if (cfg.idleStreams <= 0) return null;
  const auth = await ctx.login();
  const dept = await ctx.department(auth);
  const before = await ctx.memory();
  const opened = await ctx.openStreams(
    ctx.mediqueTarget(dept, auth),
    cfg.idleStreams,
    'idle streams',
  );
  log(
    `holding ${opened.ready} idle streams for ${cfg.idleSeconds} s (past the 15 s ping and the 30 s requestTimeout) …`,
  );
  // What idle streams cost while nothing happens: CPU (server, Postgres) and queries.
  const xact0 = await transactionCounts(cfg.databaseUrl, cfg.database);
  const idleMeter = cpuMeter(ctx.server.pid, cfg.databaseUrl, cfg.database);
  const t0 = performance.now();
  await sleep(cfg.idleSeconds * 1000);
  const idleCpu = await idleMeter.stop();
  const heldMs = performance.now() - t0;
  const status = await ctx.status();
  const after = await ctx.memory();
  await sleep(1100); // backends flush pg_stat_database about once a second
  const xact1 = await transactionCounts(cfg.databaseUrl, cfg.database);
  const idleCost = {
    serverCores: idleCpu.server === null ? null : round(idleCpu.server, 3),
    postgresCores: idleCpu.postgres === null ? null : round(idleCpu.postgres, 3),
    otherCores: idleCpu.other === null ? null : round(idleCpu.other, 2),
    transactionsPerSecond: round((xact1.commits - xact0.commits) / ((heldMs + 1100) / 1000), 1),
  };
  const n = Math.max(1, opened.ready);
  const idle: Idle = {
    streams: cfg.idleStreams,
    opened,
    heldSeconds: cfg.idleSeconds,
    stillOpen: status.open,
    before,
    after,
    heapPerStream: (after.heapUsed - before.heapUsed) / n,
    rssPerStream: (after.rss - before.rss) / n,
    externalPerStream: (after.external - before.external) / n,
    cost: idleCost,
  };
  log(
    `idle: ${status.open} still open after ${cfg.idleSeconds} s; heap ${fmt(kib(idle.heapPerStream), 2)} KiB/stream, RSS ${fmt(kib(idle.rssPerStream), 2)} KiB/stream; while idle: server ${fmt(idleCost.serverCores, 2)} cores, Postgres ${fmt(idleCost.postgresCores, 2)} cores, ${fmt(idleCost.transactionsPerSecond, 0)} transactions/s`,
  );
  if (status.open < opened.ready)
    ctx.run.problem(`idle: ${opened.ready - status.open} streams ended while idle`);
  await ctx.closeStreams();
  await ctx.serverSettles(fdBaseline);
  return idle;
};

export interface HeapBreakdown {
  streams: number;
  files: string[];
  top: HeapGroup[];
  totalPerStream: number;
}

/**
 * BENCH_FANOUT_HEAP_SNAPSHOT_STREAMS > 0: heap snapshots before and after that many streams,
 * and what they added per stream (read a pair again with bench/tools/heapsnapshot-diff.ts).
 */
export const heapSnapshotPhase = async (
  ctx: FanoutContext,
  fdBaseline: number,
): Promise<HeapBreakdown | null> => {
  const n = ctx.cfg.heapSnapshotStreams;
  if (n <= 0) return null;
  const auth = await ctx.login();
  const dept = await ctx.department(auth);
  const dir = path.join(resultsDir, `fanout-heap-${ctx.stamp}`);
  fs.mkdirSync(dir, { recursive: true });
  const files = [path.join(dir, 'before.heapsnapshot'), path.join(dir, `after-${n}.heapsnapshot`)];
  await ctx.memory(files[0]);
  await ctx.openStreams(ctx.mediqueTarget(dept, auth), n, 'heap snapshot streams');
  await sleep(2000);
  await ctx.memory(files[1]);
  await ctx.closeStreams();
  await ctx.serverSettles(fdBaseline);
  const diff = diffSnapshots(files[0] ?? '', files[1] ?? '');
  const total = diff.reduce((sum, g) => sum + g.selfSize, 0);
  log(
    `heap snapshots in ${path.relative(process.cwd(), dir)}/ — what ${n} streams added, per stream:`,
  );
  process.stdout.write(
    `${table([
      ['Heap node (type constructor)', 'count / stream', 'bytes / stream'],
      ...diff.slice(0, 30).map((g) => [g.key, fmt(g.count / n, 2), fmt(g.selfSize / n, 0)]),
      ['(all)', '', fmt(total / n, 0)],
    ])}\n`,
  );
  return { streams: n, files, top: diff.slice(0, 40), totalPerStream: total / n };
};
