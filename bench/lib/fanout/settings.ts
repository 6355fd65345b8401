import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { assertBenchName } from '../db.js';
import { round } from '../stats.js';

/** Paths, targets and settings of `fanout.bench.ts` (all from the environment). */
const here = path.dirname(fileURLToPath(import.meta.url));
const benchDir = path.resolve(here, '../..');
export const repoRoot = path.resolve(benchDir, '..');
export const resultsDir = path.join(benchDir, 'results');
export const docsFile = path.join(repoRoot, 'docs', 'performance.md');
export const clientScript = path.join(here, 'client.ts');
export const hubScript = path.join(benchDir, 'lib', 'sse-hub.ts');
export const memProbe = pathToFileURL(path.join(benchDir, 'lib', 'mem-probe.mjs')).href;

/** p99 of MediQue ≤ this × the reference's, per number of streams. */
export const RATIO_TARGETS: Record<number, number> = { 1000: 1.25, 10000: 1.5 };
export const HEAP_PER_STREAM_TARGET = 10 * 1024;
/** "No growth" over the connect/disconnect cycles: from the 2nd to the last, at most this. */
export const CYCLE_RSS_GROWTH_LIMIT = 4 * 1024 * 1024;
export const CYCLE_HEAP_GROWTH_LIMIT = 1024 * 1024;
/** The configuration refuses more (config.ts: perMinute max 1,000,000). */
export const NO_RATE_LIMIT = '1000000';

const int = (name: string, fallback: number): number => {
  const raw = process.env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const v = Number(raw);
  if (!Number.isInteger(v) || v < 0) throw new Error(`${name} must be an integer ≥ 0`);
  return v;
};

export const settings = () => {
  /**
   * BENCH_FANOUT_SERVER_DIR: another copy of server/ (an experiment, e.g. a patched copy in
   * /tmp with node_modules linked); the figures then stay out of docs/performance.md.
   */
  const serverDir = path.resolve(
    process.env.BENCH_FANOUT_SERVER_DIR ?? path.join(repoRoot, 'server'),
  );
  const isProjectServer = serverDir === path.join(repoRoot, 'server');
  return {
    databaseUrl: process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
    database: assertBenchName('mediqueue_bench_fanout'),
    redisUrl: process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379',
    sizes: (process.env.BENCH_FANOUT_SIZES ?? '1000,10000')
      .split(',')
      .map((s) => Number(s.trim()))
      .filter((n) => Number.isInteger(n) && n > 0),
    events: int('BENCH_FANOUT_EVENTS', 200),
    warmup: int('BENCH_FANOUT_WARMUP', 20),
    pauseMs: int('BENCH_FANOUT_PAUSE_MS', 20),
    sources: Math.max(1, int('BENCH_FANOUT_SOURCES', 4)),
    concurrency: Math.max(1, int('BENCH_FANOUT_CONCURRENCY', 32)),
    idleStreams: int('BENCH_FANOUT_IDLE_STREAMS', 10000),
    idleSeconds: int('BENCH_FANOUT_IDLE_SECONDS', 35),
    cycles: int('BENCH_FANOUT_CYCLES', 10),
    cycleStreams: int('BENCH_FANOUT_CYCLE_STREAMS', 1000),
    /** Alternating (reference, MediQue) runs per number of streams; samples pooled per side. */
    rounds: Math.max(1, int('BENCH_FANOUT_ROUNDS', 2)),
    /** > 0: heap snapshots before/after opening this many streams, and their difference. */
    heapSnapshotStreams: int('BENCH_FANOUT_HEAP_SNAPSHOT_STREAMS', 0),
    poolSize: int('BENCH_POOL_SIZE', 8),
    cpuProfile: process.env.BENCH_CPU_PROF === '1',
    keepDatabase: process.env.BENCH_KEEP_DB === '1',
    /** Write the figures into docs/performance.md (not for another server copy). */
    writeDocs:
      process.env.BENCH_FANOUT_DOCS !== '0' &&
      isProjectServer &&
      process.env.BENCH_CPU_PROF !== '1',
    serverDir,
    /** Before each measured run, wait up to this long for the machine to be quiet … */
    quietWaitSeconds: int('BENCH_QUIET_WAIT_SECONDS', 60),
    /** … i.e. fewer than this many cores busy outside the benchmark over one second. */
    quietCores: Number(process.env.BENCH_QUIET_CORES ?? 0.3),
  };
};
export type Settings = ReturnType<typeof settings>;

export const log = (message: string): void => {
  process.stdout.write(`[fanout] ${message}\n`);
};

export const kib = (bytes: number): number => round(bytes / 1024, 2);
export const mib = (bytes: number): number => round(bytes / 1024 / 1024, 1);
