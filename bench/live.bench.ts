/**
 * Live views at scale (issue 11): the queue snapshot GET against a bare node:http hello,
 * opening 10,000 streams against a bare SSE hub, 10,000 patients' phones and 50 boards on
 * one department reached by each call, Postgres statements per event, and the heap an idle
 * stream costs the production build. `npm run bench:live` from the repository root; see
 * bench/README.md ("bench:live") and docs/performance.md ("Live views").
 *
 * Exit status 1 on a crash or a stream that failed to open or missed an event; a missed
 * target shows FAIL in the table.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { log, openContext, settings } from './lib/live/context.js';
import { openStreamsPhase } from './lib/live/open-streams.js';
import { queueGetPhase } from './lib/live/queue-get.js';
import {
  contention,
  summaryTable,
  writeDocs,
  writeResults,
  type Results,
} from './lib/live/report.js';
import { screensPhase } from './lib/live/screens.js';

const resultsDir = path.join(path.dirname(fileURLToPath(import.meta.url)), 'results');

const main = async (): Promise<number> => {
  const cfg = settings();
  const startedAt = new Date();
  const ctx = await openContext(cfg);
  let results: Results = { startedAt, get: null, open: null, screens: null };
  try {
    if (cfg.phases.includes('get')) results = { ...results, get: await queueGetPhase(ctx) };
    if (cfg.phases.includes('open')) results = { ...results, open: await openStreamsPhase(ctx) };
    if (cfg.phases.includes('screens')) results = { ...results, screens: await screensPhase(ctx) };
  } finally {
    await ctx.close();
  }
  const file = writeResults(results, resultsDir);
  process.stdout.write(`\n${summaryTable(results)}\n${contention(results)}\n`);
  log(`results: ${path.relative(process.cwd(), file)}`);
  if (process.env.BENCH_LIVE_DOCS !== '0' && cfg.phases.length === 3) writeDocs(results, file);
  const broken = (results.open?.failed ?? 0) + (results.screens?.incomplete ?? 0);
  return broken === 0 ? 0 : 1;
};

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(
      `[live] failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
    );
    process.exit(1);
  },
);
