/** Benchmark settings, all from the environment (see bench/README.md). */

const int = (name: string, fallback: number, min = 0): number => {
  const raw = process.env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < min) {
    throw new Error(`${name} must be a number ≥ ${min} (got "${raw}")`);
  }
  return value;
};

const flag = (name: string, fallback: boolean): boolean => {
  const raw = process.env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  return !['0', 'false', 'no', 'off'].includes(raw.trim().toLowerCase());
};

export interface BenchConfig {
  /** A maintenance connection; the benchmark creates its own databases next to it. */
  readonly databaseUrl: string;
  readonly appDatabase: string;
  readonly pgbenchDatabase: string;
  readonly warmupSeconds: number;
  readonly seconds: number;
  readonly openLoopSeconds: number;
  readonly openLoopFraction: number;
  readonly connections: number;
  readonly poolSize: number;
  readonly departments: number;
  readonly auth: 'kiosk' | 'admin';
  readonly pgbench: {
    readonly scale: number;
    readonly clients: number;
    readonly threads: number;
    readonly seconds: number;
    /** Skip pgbench and use this number instead (for quick iterations; reported as given). */
    readonly givenTps: number | null;
  };
  readonly cpuProfile: boolean;
  readonly roundTripProbe: boolean;
  readonly keepDatabases: boolean;
  /** The server's WEB_CONCURRENCY (processes); above 1 it needs Redis. */
  readonly webConcurrency: number;
  /**
   * Redis for the server (REDIS_URL), or null to run without (the default with one process).
   * The benchmark deletes the idempotency keys its own credentials left there, nothing else.
   */
  readonly redisUrl: string | null;
}

export const loadBenchConfig = (): BenchConfig => {
  const auth = (process.env.BENCH_AUTH ?? 'kiosk').trim();
  if (auth !== 'kiosk' && auth !== 'admin') throw new Error('BENCH_AUTH must be kiosk or admin');
  const given = process.env.BENCH_PGBENCH_TPS;
  const webConcurrency = Math.floor(int('BENCH_WEB_CONCURRENCY', 1, 1));
  const redisFlag = process.env.BENCH_REDIS_URL?.trim();
  // Several processes share stream tickets and the event bus through Redis only.
  const redisUrl =
    redisFlag === undefined || redisFlag === ''
      ? webConcurrency > 1
        ? 'redis://127.0.0.1:6379/13'
        : null
      : ['0', 'off', 'no', 'false'].includes(redisFlag.toLowerCase())
        ? null
        : redisFlag;
  if (webConcurrency > 1 && redisUrl === null) {
    throw new Error(
      'BENCH_WEB_CONCURRENCY > 1 needs Redis: leave BENCH_REDIS_URL unset or give a URL',
    );
  }
  return {
    databaseUrl:
      process.env.BENCH_DATABASE_URL?.trim() || 'postgres://postgres@127.0.0.1:5432/postgres',
    appDatabase: 'mediqueue_bench_app',
    pgbenchDatabase: 'mediqueue_bench_pgbench',
    warmupSeconds: int('BENCH_WARMUP_SECONDS', 2),
    seconds: int('BENCH_SECONDS', 15, 1),
    openLoopSeconds: int('BENCH_OPEN_SECONDS', 10, 1),
    openLoopFraction: int('BENCH_OPEN_FRACTION', 0.7, 0.01),
    connections: Math.floor(int('BENCH_CONNECTIONS', 32, 1)),
    poolSize: Math.floor(int('BENCH_POOL_SIZE', 8, 1)),
    departments: 10,
    auth,
    pgbench: {
      scale: Math.floor(int('BENCH_PGBENCH_SCALE', 50, 1)),
      clients: Math.floor(int('BENCH_PGBENCH_CLIENTS', 32, 1)),
      threads: Math.floor(int('BENCH_PGBENCH_THREADS', 2, 1)),
      seconds: Math.floor(int('BENCH_PGBENCH_SECONDS', 15, 1)),
      givenTps: given === undefined || given.trim() === '' ? null : int('BENCH_PGBENCH_TPS', 0, 1),
    },
    cpuProfile: flag('BENCH_CPU_PROF', false),
    roundTripProbe: flag('BENCH_ROUNDTRIPS', true),
    keepDatabases: flag('BENCH_KEEP_DB', false),
    webConcurrency,
    redisUrl,
  };
};
