import { performance } from 'node:perf_hooks';
import { checkpoint, dropDatabase, recreateDatabase } from '../db.js';
import { runPgbench, type PgbenchResult } from '../pgbench.js';
import { fmt } from '../table.js';
import { log, type Run } from './context.js';

export type Reference = PgbenchResult & { given: boolean };

/**
 * 1. Reference: pgbench TPC-B on its own database, dropped right after (or the tps given by
 * BENCH_PGBENCH_TPS, for quick iterations).
 */
export const pgbenchPhase = async (run: Run): Promise<Reference> => {
  const { cfg, adminUrl } = run;
  if (cfg.pgbench.givenTps !== null) {
    log(`pgbench skipped: using BENCH_PGBENCH_TPS=${cfg.pgbench.givenTps}`);
    return {
      tps: cfg.pgbench.givenTps,
      latencyAvgMs: null,
      transactions: null,
      failed: null,
      command: 'given by BENCH_PGBENCH_TPS',
      given: true,
    };
  }
  log(`pgbench: initialising scale ${cfg.pgbench.scale} in ${cfg.pgbenchDatabase} …`);
  await recreateDatabase(adminUrl, cfg.pgbenchDatabase);
  const t0 = performance.now();
  const result = await runPgbench({
    url: run.pgbenchUrl,
    ...cfg.pgbench,
    beforeRun: async () => {
      log(
        `pgbench: initialised in ${fmt((performance.now() - t0) / 1000, 1)} s; running -c ${cfg.pgbench.clients} -j ${cfg.pgbench.threads} -T ${cfg.pgbench.seconds} -M prepared …`,
      );
      await checkpoint(adminUrl);
    },
  });
  log(`pgbench: ${fmt(result.tps, 1)} tps`);
  await dropDatabase(adminUrl, cfg.pgbenchDatabase);
  return { ...result, given: false };
};
