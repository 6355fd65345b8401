/**
 * Where the heap of N streams went: the difference between two V8 heap snapshots, by node
 * type and constructor, per stream. `BENCH_FANOUT_HEAP_SNAPSHOT_STREAMS=1000 npm run
 * bench:fanout` writes such a pair (and prints this table); to read a pair again:
 *
 *   npx tsx bench/tools/heapsnapshot-diff.ts <before.heapsnapshot> <after.heapsnapshot> <streams> [top]
 */
import { diffSnapshots } from '../lib/heap-diff.js';
import { fmt, table } from '../lib/table.js';

const [before, after, streamsArg, topArg] = process.argv.slice(2);
if (before === undefined || after === undefined) {
  process.stderr.write(
    'usage: tsx bench/tools/heapsnapshot-diff.ts <before.heapsnapshot> <after.heapsnapshot> <streams> [top]\n',
  );
  process.exit(2);
}
const streams = Number(streamsArg ?? 1);
const top = Number(topArg ?? 30);
const diff = diffSnapshots(before, after);
const total = diff.reduce((s, g) => s + g.selfSize, 0);
process.stdout.write(
  `${table([
    ['Heap node (type constructor)', 'count / stream', 'bytes / stream'],
    ...diff
      .slice(0, top)
      .map((g) => [g.key, fmt(g.count / streams, 2), fmt(g.selfSize / streams, 0)]),
    ['(all)', '', fmt(total / streams, 0)],
  ])}\n`,
);
