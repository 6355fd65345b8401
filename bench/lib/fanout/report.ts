import fs from 'node:fs';
import path from 'node:path';
import { round } from '../stats.js';
import { fmt, table } from '../table.js';
import type { FanoutContext } from './context.js';
import { docsBlock, writeDocs } from './docs.js';
import type { LatencyReport, LatencyRow } from './latency.js';
import type { Host } from './machine.js';
import type { Cycles, HeapBreakdown, Idle } from './memory.js';
import type { EventSample } from './protocol.js';
import { docsFile, kib, log, mib, resultsDir, type Settings } from './settings.js';
import { summary, type Targets } from './summary.js';

/** 6. Report: the tables on the console, the JSON file, the block in docs/performance.md. */

/** What the phases measured. */
export interface Measured {
  readonly latency: readonly LatencyRow[];
  readonly idle: Idle | null;
  readonly cycles: Cycles;
  readonly heapBreakdown: HeapBreakdown | null;
  readonly serverLog: string;
}

/** Everything the report shows: the run's context and what the phases measured. */
export interface FanoutResults extends Measured {
  readonly cfg: Settings;
  readonly startedAt: Date;
  readonly stamp: string;
  readonly host: Host;
  readonly localAddresses: readonly string[];
  readonly problems: readonly string[];
}

const detailTable = (latency: readonly LatencyRow[]): string => {
  const detailRows: string[][] = [
    [
      'Streams',
      'Side',
      'last p50',
      'last p99',
      'last max',
      'first p50',
      'spread p50',
      'trigger p50',
      'server CPU ms/event',
      'client CPU',
      'other CPU',
      'frame B',
      'open s',
    ],
  ];
  for (const l of latency) {
    for (const [side, r] of [
      ['reference', l.reference],
      ['MediQue', l.mediqueue],
    ] as const) {
      detailRows.push([
        fmt(l.streams),
        side,
        fmt(r.last.p50Ms, 2),
        fmt(r.last.p99Ms, 2),
        fmt(r.last.maxMs, 2),
        fmt(r.first.p50Ms, 2),
        fmt(r.spread.p50Ms, 2),
        fmt(r.trigger.p50Ms, 2),
        fmt(r.serverCpuMsPerEvent, 2),
        fmt(r.clientCpuCores, 2),
        fmt(r.cpu?.other, 2),
        fmt(r.frameBytes),
        fmt(r.opened.elapsedMs / 1000, 1),
      ]);
    }
  }
  return table(detailRows);
};

/** Per-stream CPU cost of one event (server side): slope between the first and last size. */
const perStreamCpu = (latency: readonly LatencyRow[]) => {
  const slope = (pick: (l: LatencyRow) => LatencyReport): number | null => {
    const a = latency[0];
    const b = latency[latency.length - 1];
    if (a === undefined || b === undefined || a === b) return null;
    const ca = pick(a).serverCpuMsPerEvent;
    const cb = pick(b).serverCpuMsPerEvent;
    if (ca === null || cb === null) return null;
    return ((cb - ca) / (b.streams - a.streams)) * 1000;
  };
  return { reference: slope((l) => l.reference), mediqueue: slope((l) => l.mediqueue) };
};
export type PerStreamCpu = ReturnType<typeof perStreamCpu>;

export interface Tables {
  readonly summaryTable: string;
  readonly detailTable: string;
  readonly perStreamCpuUs: PerStreamCpu;
}

const consoleLines = (r: FanoutResults, t: Tables): string[] => {
  const { machine, limits } = r.host;
  const { cfg, latency } = r;
  const lines = [
    '',
    `MediQue live fan-out benchmark — ${r.startedAt.toISOString()}`,
    `${machine.cores} cores (${machine.cpu}), ${machine.memoryGiB} GiB; Node ${machine.node}; ulimit -n ${limits.soft}/${limits.hard}; client spread over ${r.localAddresses.length} source addresses`,
    `${cfg.warmup} warm-up + ${cfg.events} events per run, one at a time, ${cfg.pauseMs} ms apart; latency = trigger response → the LAST stream has the frame (one clock, in the client process)`,
    '',
    t.summaryTable,
    '',
    'Details (ms; first = response → first stream; spread = first → last stream; trigger = the check-in /',
    '/publish request itself; server CPU = the MediQue server or the hub, per event incl. the trigger;',
    'client CPU = cores busy in the client process; other CPU = cores busy outside the benchmark):',
    t.detailTable,
  ];
  if (t.perStreamCpuUs.reference !== null && t.perStreamCpuUs.mediqueue !== null) {
    lines.push(
      `Server CPU per stream per event (slope ${fmt(latency[0]?.streams)} → ${fmt(latency[latency.length - 1]?.streams)}): reference ${fmt(t.perStreamCpuUs.reference, 2)} µs, MediQue ${fmt(t.perStreamCpuUs.mediqueue, 2)} µs`,
    );
  }
  for (const l of latency) {
    const m = l.reference.memory;
    if (m !== undefined) {
      lines.push(
        `Reference hub, ${fmt(l.streams)} idle streams: heap ${fmt(kib(m.heapPerStream), 2)} KiB/stream, RSS ${fmt(kib(m.rssPerStream), 2)} KiB/stream`,
      );
    }
  }
  const cycles = r.cycles.samples;
  if (cycles.length > 0) {
    lines.push(
      `Cycles (RSS MiB / heap MiB after GC): ${cycles.map((c) => `${c.cycle}: ${fmt(mib(c.rss), 1)}/${fmt(mib(c.heapUsed), 1)}`).join(', ')}`,
    );
  }
  if (r.problems.length > 0) {
    lines.push(
      'Problems:',
      ...r.problems.map((p) => `   ${p}`),
      'Server log tail:',
      r.serverLog.split('\n').slice(-15).join('\n'),
    );
  }
  return lines;
};

/** bench/results/fanout-<stamp>.json; raw samples as each event's latency to the last stream. */
const writeResults = (r: FanoutResults, targets: Targets, perStreamCpuUs: PerStreamCpu) => {
  const file = path.join(resultsDir, `fanout-${r.stamp}.json`);
  fs.writeFileSync(
    file,
    `${JSON.stringify(
      {
        startedAt: r.startedAt.toISOString(),
        machine: r.host.machine,
        config: { ...r.cfg, databaseUrl: undefined, localAddresses: r.localAddresses },
        targets,
        latency: r.latency,
        perStreamCpuUs,
        memory: {
          idle: r.idle,
          baselineBeforeCycles: r.cycles.baseline,
          cycles: r.cycles.samples,
          cycleRssGrowth: r.cycles.rssGrowth,
          cycleHeapGrowth: r.cycles.heapGrowth,
          heapBreakdown: r.heapBreakdown,
        },
        problems: r.problems,
      },
      // Raw samples: only each event's latency to the last stream, in ms.
      (key, value: unknown) =>
        key === 'samples' && Array.isArray(value)
          ? (value as EventSample[]).map((x) => round(x.lastMs, 2))
          : value,
      2,
    )}\n`,
  );
  log(`results written to ${path.relative(process.cwd(), file)}`);
  return file;
};

/** Prints the report, writes the JSON and (for the project's own server) the docs block. */
export const report = (ctx: FanoutContext, measured: Measured): void => {
  const r: FanoutResults = {
    cfg: ctx.cfg,
    startedAt: ctx.startedAt,
    stamp: ctx.stamp,
    host: ctx.host,
    localAddresses: ctx.localAddresses,
    problems: ctx.run.problems,
    ...measured,
  };
  const { summaryTable, targets } = summary(r);
  const tables: Tables = {
    summaryTable,
    detailTable: detailTable(r.latency),
    perStreamCpuUs: perStreamCpu(r.latency),
  };
  process.stdout.write(`${consoleLines(r, tables).join('\n')}\n`);
  const file = writeResults(r, targets, tables.perStreamCpuUs);
  if (r.cfg.writeDocs) {
    writeDocs(docsBlock(r, tables, file));
    log(`figures written to ${path.relative(process.cwd(), docsFile)}`);
  } else {
    log(`docs/performance.md left alone (server: ${r.cfg.serverDir})`);
  }
};
