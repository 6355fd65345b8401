import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { assertBenchName, databaseUrl, dropDatabase, withClient } from '../db.js';
import type { LoadResult } from '../load.js';
import { deleteIdempotencyKeys } from '../redis-cleanup.js';
import type { ServerHandle } from '../server.js';
import { round } from '../stats.js';
import { machineLoad } from '../sysmon.js';
import { fmt } from '../table.js';
import type { BenchConfig } from './config.js';

/** What every phase of `checkin.bench.ts` shares: paths, the log, the tally, the clean-up. */
const here = path.dirname(fileURLToPath(import.meta.url));
/** `BENCH_SERVER_DIR`: measure another copy of server/ (e.g. a commit, or a patched copy). */
export const serverDir = path.resolve(
  process.env.BENCH_SERVER_DIR?.trim() || path.resolve(here, '../../../server'),
);
export const resultsDir = path.resolve(here, '../../results');

export const log = (message: string): void => {
  process.stdout.write(`[bench] ${message}\n`);
};

/** The last lines of a log, each cut short (stack traces in JSON logs are long). */
export const clip = (text: string, lines = 12, width = 400): string =>
  text
    .split('\n')
    .slice(-lines)
    .map((l) => (l.length > width ? `${l.slice(0, width)}…` : l))
    .join('\n');

/** Server settings given through the environment that change what is measured. */
export const serverEnvNotes = (): string => {
  const notes = ['CHECKIN_GROUP_COMMIT', 'DB_PREPARED_STATEMENTS']
    .filter((k) => process.env[k] !== undefined)
    .map((k) => `${k}=${process.env[k]}`);
  return notes.length === 0 ? '' : ` (${notes.join(', ')})`;
};

/** Every 201 anywhere in the run (the integrity check expects exactly this many visits), every error. */
export interface Tally {
  createdVisits: number;
  totalErrors: number;
  readonly errorKinds: Map<string, number>;
}

export const noteError = (tally: Tally, kind: string, n = 1): void => {
  tally.totalErrors += n;
  tally.errorKinds.set(kind, (tally.errorKinds.get(kind) ?? 0) + n);
};

export const absorb = (tally: Tally, r: LoadResult): void => {
  tally.createdVisits += r.totalOk;
  for (const [kind, n] of r.errorKinds) noteError(tally, kind, n);
};

const postgresVersion = (url: string): Promise<string> =>
  withClient(url, async (c) => {
    const { rows } = await c.query<{ v: string }>("SELECT current_setting('server_version') AS v");
    return rows[0]?.v ?? '?';
  });

/** The machine (cores busy just before the start: other work makes every figure pessimistic). */
export const inspectMachine = async (cfg: BenchConfig) => {
  const machine = {
    cores: os.availableParallelism(),
    cpu: os.cpus()[0]?.model ?? '?',
    loadAverageAtStart: os.loadavg().map((v) => round(v, 2)),
    busyCoresBeforeStart: await machineLoad(2000).then((v) => (v === null ? null : round(v, 2))),
    node: process.version,
    postgres: await postgresVersion(cfg.databaseUrl),
  };
  log(
    `${machine.cores} cores (${fmt(machine.busyCoresBeforeStart, 2)} busy before start), load average ${machine.loadAverageAtStart.join(' ')}, Node ${machine.node}, Postgres ${machine.postgres}`,
  );
  return machine;
};
export type Machine = Awaited<ReturnType<typeof inspectMachine>>;

/**
 * The run: its databases, the servers to stop and the credentials whose idempotency keys to
 * delete from Redis afterwards, and the clean-up (also on SIGINT/SIGTERM).
 */
export const openRun = (cfg: BenchConfig) => {
  const adminUrl = cfg.databaseUrl;
  const appUrl = databaseUrl(adminUrl, assertBenchName(cfg.appDatabase));
  const pgbenchUrl = databaseUrl(adminUrl, assertBenchName(cfg.pgbenchDatabase));
  fs.mkdirSync(resultsDir, { recursive: true });
  const servers: ServerHandle[] = [];
  /** `kiosk:<id>` / `staff:<id>`: whose idempotency keys to delete from Redis afterwards. */
  const credentials: string[] = [];
  const cleanup = async (): Promise<void> => {
    for (const s of servers.splice(0)) await s.stop().catch(() => undefined);
    if (cfg.redisUrl !== null && credentials.length > 0) {
      await deleteIdempotencyKeys(cfg.redisUrl, credentials.splice(0)).then(
        (n) => log(`deleted the run's ${n} idempotency keys from Redis`),
        (err: unknown) => log(`could not delete the run's Redis keys: ${String(err)}`),
      );
    }
    if (!cfg.keepDatabases) {
      for (const name of [cfg.appDatabase, cfg.pgbenchDatabase]) {
        await dropDatabase(adminUrl, name).catch((err: unknown) =>
          log(`could not drop ${name}: ${String(err)}`),
        );
      }
    }
  };
  const onSignal = (): void => {
    log('interrupted: cleaning up');
    void cleanup().finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  const tally: Tally = { createdVisits: 0, totalErrors: 0, errorKinds: new Map() };
  return { cfg, adminUrl, appUrl, pgbenchUrl, servers, credentials, tally, cleanup };
};
export type Run = ReturnType<typeof openRun>;
