import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fmt, table } from '../table.js';
import type { measureCalls, measureHeap } from './board-phases.js';
import type { kioskFirstLoad } from './kiosk-bytes.js';

/** Issue 8's targets. */
const targets = { p95Ms: 50, heapGrowthMb: 5, kioskGzipKb: 150 };

export interface WebResults {
  readonly coresBusy: number | null;
  readonly calls: Awaited<ReturnType<typeof measureCalls>>;
  readonly heap: Awaited<ReturnType<typeof measureHeap>>;
  readonly kiosk: Awaited<ReturnType<typeof kioskFirstLoad>>;
}

/** The table (figure, measured, reference, target) and `bench/results/web-<ms>.json`. */
export const report = async (r: WebResults, events: number, resultsDir: string) => {
  const { calls, heap, kiosk } = r;
  const growthMb = (heap.afterBytes - heap.beforeBytes) / 1024 / 1024;
  const json = { at: new Date().toISOString(), coresBusy: r.coresBusy, calls, heap, kiosk };
  console.log(
    table([
      ['figure', 'measured', 'reference / note', 'target'],
      [
        'board: event → DOM, p95',
        `${fmt(calls.app.p95Ms, 1)} ms (n=${calls.app.count})`,
        `bare page ${fmt(calls.bare.p95Ms, 1)} ms → ${fmt(calls.app.p95Ms / calls.bare.p95Ms, 2)}×`,
        `≤ ${targets.p95Ms} ms`,
      ],
      [
        'board: event → DOM, p50',
        `${fmt(calls.app.p50Ms, 1)} ms`,
        `bare ${fmt(calls.bare.p50Ms, 1)} ms`,
        '',
      ],
      [
        `board: heap after ${events} events`,
        `${growthMb >= 0 ? '+' : ''}${fmt(growthMb, 2)} MB`,
        `${fmt(heap.beforeBytes / 1048576, 1)} → ${fmt(heap.afterBytes / 1048576, 1)} MB, ${heap.delivered} delivered`,
        `≤ +${targets.heapGrowthMb} MB`,
      ],
      [
        'kiosk: first-load JS, gzip',
        `${fmt(kiosk.gzipBytes / 1024, 1)} KB`,
        `${kiosk.files} files, ${fmt(kiosk.rawBytes / 1024, 1)} KB raw`,
        `≤ ${targets.kioskGzipKb} KB`,
      ],
    ]),
  );
  await mkdir(resultsDir, { recursive: true });
  await writeFile(path.join(resultsDir, `web-${Date.now()}.json`), JSON.stringify(json, null, 2));
};
