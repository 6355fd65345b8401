import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { round } from '../stats.js';
import { fmt, table } from '../table.js';
import type { Quiet } from './context.js';
import { repoRoot } from './context.js';
import { HEAP_TARGET, OPEN_TARGET, type OpenStreamsResult } from './open-streams.js';
import { GET_TARGET, type QueueGetResult } from './queue-get.js';
import { SCREENS_TARGET, STATEMENTS_TARGET, type ScreensResult } from './screens.js';

/** The summary table, the JSON file, and the generated block of docs/performance.md. */
export interface Results {
  readonly startedAt: Date;
  readonly get: QueueGetResult | null;
  readonly open: OpenStreamsResult | null;
  readonly screens: ScreensResult | null;
}

const verdict = (ok: boolean | null): string => (ok === null ? '' : ok ? 'PASS' : 'FAIL');
/** Other work above this during a compared run makes its ratio unreliable (marked `*`). */
const CONTENDED = 0.25;
const busiest = (values: (number | null | undefined)[]): number | null => {
  const v = values.filter((x): x is number => typeof x === 'number');
  return v.length === 0 ? null : Math.max(...v);
};
const mark = (other: number | null): string => (other !== null && other > CONTENDED ? ' *' : '');
const kib = (b: number): string => fmt(b / 1024, 2);

/** The busiest "other" work seen just before any measured run (cores). */
const worstQuiet = (r: Results): number | null => {
  const all: (Quiet | undefined)[] = [
    ...(r.get?.rounds.flatMap((x) => [x.reference.quiet, x.mediqueue.quiet]) ?? []),
    ...(r.open?.rounds.flatMap((x) => [x.reference.quiet, x.mediqueue.quiet]) ?? []),
    ...(r.screens?.rounds.flatMap((x) => [x.reference.quiet, x.mediqueue.quiet]) ?? []),
  ];
  const v = all.map((q) => q?.before).filter((x): x is number => typeof x === 'number');
  return v.length === 0 ? null : Math.max(...v);
};

const getOther = (r: Results) =>
  busiest(r.get?.rounds.flatMap((x) => [x.reference.cpu.other, x.mediqueue.cpu.other]) ?? []);
const openOther = (r: Results) =>
  busiest(r.open?.rounds.flatMap((x) => [x.reference.other, x.mediqueue.other]) ?? []);
const screensOther = (r: Results) =>
  busiest(r.screens?.rounds.flatMap((x) => [x.reference.other, x.mediqueue.other]) ?? []);

/** Other work during the measured runs, per phase (cores), for the reader. */
export const contention = (r: Results): string =>
  `other work during the measured runs, at most: get ${fmt(getOther(r), 2)}, open ${fmt(openOther(r), 2)}, screens ${fmt(screensOther(r), 2)} cores` +
  ' (* = above 0.25 in a compared run: that ratio is pessimistic or noisy)';

export const summaryTable = (r: Results): string => {
  const rows: string[][] = [['Metric', 'Measured', 'Target', 'Result']];
  if (r.get !== null) {
    rows.push([
      'Bare node:http hello, 100 connections',
      `${fmt(r.get.reference)} req/s`,
      'reference',
      '',
    ]);
    rows.push([
      'GET …/queue (50 waiting), 100 connections',
      `${fmt(r.get.mediqueue)} req/s = ${fmt(r.get.ratio, 2)}×`,
      `≥ ${GET_TARGET}×`,
      verdict(r.get.pass) + mark(getOther(r)),
    ]);
  }
  if (r.open !== null) {
    rows.push([
      `Open ${fmt(r.open.streams)} streams: bare hub`,
      `${fmt(r.open.referenceMs / 1000, 2)} s`,
      'reference',
      '',
    ]);
    rows.push([
      `Open ${fmt(r.open.streams)} department streams: MediQue`,
      `${fmt(r.open.mediqueueMs / 1000, 2)} s = ${fmt(r.open.ratio, 2)}×`,
      `≤ ${OPEN_TARGET}×`,
      verdict(r.open.pass) + mark(openOther(r)),
    ]);
    rows.push([
      '  Postgres statements while opening them',
      r.open.statementsWhileOpening.map((s) => fmt(s)).join(' / '),
      '(reported)',
      '',
    ]);
    if (r.open.idle !== null) {
      rows.push([
        `Heap per idle stream (${fmt(r.open.streams)}, dist/main.js, after GC)`,
        `${kib(r.open.idle.heapPerStream)} KiB`,
        `≤ ${HEAP_TARGET / 1024} KiB`,
        verdict(r.open.heapPass),
      ]);
      rows.push([
        `  RSS per idle stream; idle ${r.open.idle.heldSeconds} s: server CPU, statements/s`,
        `${kib(r.open.idle.rssPerStream)} KiB; ${fmt(r.open.idle.serverCores, 3)} cores, ${fmt(r.open.idle.statementsPerSecond, 2)}/s`,
        '(reported)',
        '',
      ]);
    }
  }
  if (r.screens !== null) {
    const s = r.screens;
    rows.push([
      `${fmt(s.screens)} streams: bare hub, publish → last stream p50 / p99`,
      `${fmt(s.reference.p50Ms, 1)} / ${fmt(s.reference.p99Ms, 1)} ms`,
      'reference',
      '',
    ]);
    rows.push([
      `${fmt(s.tickets)} tickets + ${s.boards} boards: call → last screen p50 / p99`,
      `${fmt(s.mediqueue.p50Ms, 1)} / ${fmt(s.mediqueue.p99Ms, 1)} ms = ${fmt(s.ratio, 2)}×`,
      `p99 ≤ ${SCREENS_TARGET}×`,
      verdict(s.pass) + mark(screensOther(r)),
    ]);
    rows.push([
      '  Postgres statements per event: live views (all, incl. the call)',
      `${fmt(s.liveStatementsPerEvent, 2)} (${fmt(s.statementsPerEvent, 2)}; the call alone ${fmt(s.baselinePerCall, 2)})`,
      `≤ ${STATEMENTS_TARGET}`,
      verdict(s.statementsPass),
    ]);
    rows.push([
      '  Credential lookups during the calls (timers, not events)',
      `${fmt(s.credentialLookupsPerSecond, 2)} /s`,
      '(reported)',
      '',
    ]);
    if (s.heapPerScreen !== null) {
      rows.push([
        '  Heap per open ticket/board stream',
        `${kib(s.heapPerScreen)} KiB`,
        '(reported)',
        '',
      ]);
    }
  }
  return table(rows);
};

export const writeResults = (r: Results, resultsDir: string): string => {
  const stamp = r.startedAt.toISOString().replace(/[:.]/g, '-');
  fs.mkdirSync(resultsDir, { recursive: true });
  const file = path.join(resultsDir, `live-${stamp}.json`);
  let git: string | null = null;
  try {
    git = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: repoRoot })
      .toString()
      .trim();
  } catch {
    git = null;
  }
  const machine = {
    cores: os.availableParallelism(),
    cpu: os.cpus()[0]?.model ?? '?',
    node: process.version,
    loadAverage: os.loadavg().map((v) => round(v, 2)),
    git,
    busiestOtherCoresBeforeARun: worstQuiet(r),
  };
  fs.writeFileSync(file, `${JSON.stringify({ ...r, machine }, null, 2)}\n`);
  return file;
};

const BEGIN =
  '<!-- bench:live:begin (generated by `npm run bench:live`; edits here are overwritten) -->';
const END = '<!-- bench:live:end -->';

/** Replaces the generated block of docs/performance.md (the reading around it stays). */
export const writeDocs = (r: Results, file: string): void => {
  const docs = path.join(repoRoot, 'docs', 'performance.md');
  const other = worstQuiet(r);
  const block = [
    BEGIN,
    '',
    `Last run: ${r.startedAt.toISOString()}, \`npm run bench:live\` — ${os.availableParallelism()} cores (${os.cpus()[0]?.model ?? '?'}), Node ${process.version}, Postgres and Redis on the same machine; other work just before a measured run: at most ${fmt(other, 2)} cores. Results: \`bench/results/${path.basename(file)}\`.`,
    '',
    '```',
    summaryTable(r),
    contention(r),
    '```',
    '',
    END,
  ].join('\n');
  let doc = fs.readFileSync(docs, 'utf8');
  const begin = doc.indexOf(BEGIN.slice(0, 24));
  const end = doc.indexOf(END);
  if (begin >= 0 && end > begin) doc = doc.slice(0, begin) + block + doc.slice(end + END.length);
  else doc = `${doc.trimEnd()}\n\n## Live views\n\n${block}\n`;
  fs.writeFileSync(docs, doc);
};
