import { round } from '../stats.js';
import { fmt, table } from '../table.js';
import type { Idle } from './memory.js';
import type { FanoutResults } from './report.js';
import {
  CYCLE_HEAP_GROWTH_LIMIT,
  CYCLE_RSS_GROWTH_LIMIT,
  HEAP_PER_STREAM_TARGET,
  kib,
  mib,
  RATIO_TARGETS,
} from './settings.js';

export type Targets = Record<
  string,
  { measured: number | null; target: number | string; pass: boolean | null }
>;

const verdict = (ok: boolean | null): string => (ok === null ? '–' : ok ? 'PASS' : 'FAIL');

/** Latency ratios per number of streams; `contended` counts runs with other work > 0.25 cores. */
const latencyRows = (r: FanoutResults, rows: string[][], targets: Targets): number => {
  let contendedRuns = 0;
  for (const l of r.latency) {
    const target = RATIO_TARGETS[l.streams];
    const r99 = l.mediqueue.last.p99Ms / l.reference.last.p99Ms;
    const r50 = l.mediqueue.last.p50Ms / l.reference.last.p50Ms;
    const pass = target === undefined ? null : r99 <= target;
    const contended = [l.reference.cpu?.other, l.mediqueue.cpu?.other].some(
      (o) => o !== null && o !== undefined && o > 0.25,
    );
    if (contended) contendedRuns += 1;
    rows.push([
      `${fmt(l.streams)} streams: reference (bare node:http) p50 / p99`,
      `${fmt(l.reference.last.p50Ms, 2)} / ${fmt(l.reference.last.p99Ms, 2)} ms`,
      'reference',
      '',
    ]);
    rows.push([
      `${fmt(l.streams)} streams: MediQue p50 / p99 (ratio)`,
      `${fmt(l.mediqueue.last.p50Ms, 2)} / ${fmt(l.mediqueue.last.p99Ms, 2)} ms (${fmt(r50, 2)}× / ${fmt(r99, 2)}×)`,
      target === undefined ? '–' : `p99 ≤ ${target}×`,
      `${verdict(pass)}${contended ? ' *' : ''}`,
    ]);
    targets[`p99Ratio${l.streams}`] = { measured: round(r99, 3), target: target ?? '–', pass };
  }
  return contendedRuns;
};

const idleRows = (idle: Idle, rows: string[][], targets: Targets): void => {
  const pass = idle.heapPerStream <= HEAP_PER_STREAM_TARGET;
  rows.push([
    `Heap per idle stream (${fmt(idle.opened.ready)} streams, after GC)`,
    `${fmt(kib(idle.heapPerStream), 2)} KiB`,
    `≤ ${HEAP_PER_STREAM_TARGET / 1024} KiB`,
    verdict(pass),
  ]);
  rows.push([
    `RSS per idle stream (${fmt(idle.opened.ready)} streams)`,
    `${fmt(kib(idle.rssPerStream), 2)} KiB`,
    '(reported)',
    '',
  ]);
  rows.push([
    `${fmt(idle.opened.ready)} idle streams, ${idle.heldSeconds} s: server / Postgres CPU, DB transactions`,
    `${fmt(idle.cost.serverCores, 2)} / ${fmt(idle.cost.postgresCores, 2)} cores, ${fmt(idle.cost.transactionsPerSecond, 0)} /s`,
    '(reported)',
    '',
  ]);
  targets.heapPerIdleStream = {
    measured: round(idle.heapPerStream, 0),
    target: HEAP_PER_STREAM_TARGET,
    pass,
  };
};

const cycleRows = (r: FanoutResults, rows: string[][], targets: Targets): void => {
  const { rssGrowth, heapGrowth, from, to, samples } = r.cycles;
  if (rssGrowth === null || heapGrowth === null) return;
  const pass = rssGrowth <= CYCLE_RSS_GROWTH_LIMIT && heapGrowth <= CYCLE_HEAP_GROWTH_LIMIT;
  rows.push([
    `${samples.length} × connect ${fmt(r.cfg.cycleStreams)} / disconnect: growth cycle ${from?.cycle}→${to?.cycle}`,
    `RSS ${rssGrowth >= 0 ? '+' : ''}${fmt(mib(rssGrowth), 1)} MiB, heap ${heapGrowth >= 0 ? '+' : ''}${fmt(kib(heapGrowth), 0)} KiB`,
    `no growth (RSS ≤ ${mib(CYCLE_RSS_GROWTH_LIMIT)} MiB, heap ≤ ${kib(CYCLE_HEAP_GROWTH_LIMIT)} KiB)`,
    verdict(pass),
  ]);
  targets.cycles = { measured: rssGrowth, target: CYCLE_RSS_GROWTH_LIMIT, pass };
};

/** The summary table (metric, measured, target, verdict) and the targets for the JSON. */
export const summary = (r: FanoutResults): { summaryTable: string; targets: Targets } => {
  const rows: string[][] = [['Metric', 'Measured', 'Target', 'Result']];
  const targets: Targets = {};
  const contendedRuns = latencyRows(r, rows, targets);
  if (r.idle !== null) idleRows(r.idle, rows, targets);
  cycleRows(r, rows, targets);
  rows.push([
    'Errors (failed opens, lost/unverified events, drops)',
    fmt(r.problems.length),
    '0',
    verdict(r.problems.length === 0),
  ]);
  const summaryTable =
    table(rows) +
    (contendedRuns > 0
      ? '\n* other processes used > 0.25 cores during the reference or the MediQue run: the ratio is unreliable (see "other CPU")'
      : '');
  return { summaryTable, targets };
};
