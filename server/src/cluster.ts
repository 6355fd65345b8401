import cluster, { type Worker } from 'node:cluster';
import { performance } from 'node:perf_hooks';
import type { Logger } from 'pino';
import { migrateDatabase, openDatabase } from './compose.js';
import type { Config } from './config.js';

/**
 * Several server processes on one machine (`WEB_CONCURRENCY`, ADR 10). One Node process
 * runs JavaScript on one core; the primary started here only supervises, and each worker
 * is a whole MediQue instance (its own pool of DB_POOL_SIZE, its own Redis connections)
 * sharing the listening port. To clients they are one service, exactly like several
 * instances behind a load balancer — which is why it needs what those need:
 *
 * - Postgres (PGlite is one process's in-memory database: a second process would corrupt
 *   its data directory, the lockfile refuses it);
 * - Redis (the in-process event bus, idempotency guard and stream tickets only see their
 *   own process: a stream ticket issued by one worker would be unknown to the next).
 *
 * Without both, WEB_CONCURRENCY is ignored with a warning and one process serves (a
 * platform may set WEB_CONCURRENCY by itself; refusing to start there would be worse).
 */
export const clusterWorkers = (config: Config): { workers: number; warning: string | null } => {
  const n = config.webConcurrency;
  if (n <= 1) return { workers: 1, warning: null };
  const missing = [
    config.databaseUrl === undefined ? 'DATABASE_URL' : null,
    config.redisUrl === undefined ? 'REDIS_URL' : null,
  ].filter((m) => m !== null);
  if (missing.length === 0) return { workers: n, warning: null };
  return {
    workers: 1,
    warning:
      `WEB_CONCURRENCY=${n} ignored: several processes need Postgres and Redis (${missing.join(' and ')} ` +
      'not set), so one process serves. The embedded mode is single-process by design.',
  };
};

/** A worker that crashes is replaced; this many crashes within CRASH_WINDOW_MS stop it all. */
const MAX_CRASHES = 5;
const CRASH_WINDOW_MS = 60_000;
/** After SIGTERM, workers get this long to drain (their own close-with-grace waits 10 s). */
const SHUTDOWN_GRACE_MS = 15_000;

/**
 * What this process is: `single` (migrate, then serve), `worker` (serve: the primary has
 * migrated) or `primary`, which has migrated and then only forks, replaces crashed workers
 * and forwards shutdown.
 */
export const startCluster = async (
  config: Config,
  logger: Logger,
): Promise<'single' | 'worker' | 'primary'> => {
  if (cluster.isWorker) {
    // The primary is gone (killed): stop serving rather than live on unsupervised.
    process.once('disconnect', () => process.kill(process.pid, 'SIGTERM'));
    return 'worker';
  }
  const { workers, warning } = clusterWorkers(config);
  if (warning !== null) logger.warn(warning);
  if (workers <= 1) return 'single';

  // Migrate once here, so workers start on an up-to-date schema instead of racing to it.
  const database = await openDatabase(config, logger);
  try {
    await migrateDatabase(config, database, logger);
  } finally {
    await database.close();
  }

  // A development JWT_SECRET left unset is random per process: share this one, or a token
  // issued by one worker would be refused by the next.
  const env = { JWT_SECRET: config.jwtSecret };
  // Workers accept connections themselves from the shared socket. With the default
  // round-robin the primary accepts and hands each connection over, and keeps it open until
  // the worker confirms: a worker killed in between leaves that client hanging forever (seen
  // in the kill -9 test). The kernel's spreading is uneven at worst, never a lost client.
  cluster.schedulingPolicy = cluster.SCHED_NONE;
  let stopping = false;
  let crashes: number[] = [];
  const fork = (): Worker => cluster.fork(env);

  cluster.on('exit', (worker, code, signal) => {
    if (stopping) return;
    const now = performance.now();
    crashes = [...crashes.filter((t) => now - t < CRASH_WINDOW_MS), now];
    logger.error({ pid: worker.process.pid, code, signal }, 'server worker exited; replacing it');
    if (crashes.length >= MAX_CRASHES) {
      logger.fatal(`${MAX_CRASHES} worker crashes within a minute: stopping`);
      void stop(1);
      return;
    }
    setTimeout(fork, 1000).unref();
  });

  const stop = async (exitCode: number): Promise<void> => {
    if (stopping) return;
    stopping = true;
    const alive = Object.values(cluster.workers ?? {}).filter((w): w is Worker => w !== undefined);
    const exited = Promise.all(
      alive.map(
        (w) =>
          new Promise<void>((resolve) =>
            w.isDead() ? resolve() : w.once('exit', () => resolve()),
          ),
      ),
    );
    for (const w of alive) w.process.kill('SIGTERM');
    const force = setTimeout(() => {
      for (const w of alive) if (!w.isDead()) w.process.kill('SIGKILL');
    }, SHUTDOWN_GRACE_MS);
    await exited;
    clearTimeout(force);
    process.exit(exitCode);
  };
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.on(signal, () => {
      logger.info({ signal }, 'stopping server workers');
      void stop(0);
    });
  }

  for (let i = 0; i < workers; i++) fork();
  logger.info({ workers }, 'serving with several processes (WEB_CONCURRENCY)');
  return 'primary';
};
