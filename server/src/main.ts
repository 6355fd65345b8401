import closeWithGrace from 'close-with-grace';
import { offerFirstAdmin } from './cli/first-admin.js';
import { startCluster } from './cluster.js';
import {
  composeApp,
  defaultWebDist,
  migrateDatabase,
  openDatabase,
  scheduleJobs,
} from './compose.js';
import { ConfigError, loadConfig } from './config.js';
import { createLogger, wantsPrettyLogs } from './infrastructure/logging/logger.js';

/** Composition root: config → clients → adapters → use cases → HTTP. */
const start = async (): Promise<void> => {
  let loaded;
  try {
    loaded = loadConfig(process.env);
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(1);
    }
    throw err;
  }
  const { config, warnings } = loaded;
  const logger = createLogger({
    level: config.logLevel,
    pretty: wantsPrettyLogs(config.env, process.stdout.isTTY),
  });
  for (const warning of warnings) logger.warn(warning);

  process.on('unhandledRejection', (reason) =>
    logger.error({ err: reason }, 'unhandled promise rejection'),
  );
  // WEB_CONCURRENCY > 1 (with Postgres and Redis): this process migrates, then only
  // supervises the workers.
  const role = await startCluster(config, logger);
  if (role === 'primary') return;

  const database = await openDatabase(config, logger);
  // Before anything reads the schema. A worker's primary has done it, once for them all.
  if (role === 'single') await migrateDatabase(config, database, logger);
  const { app, services } = await composeApp(config, database, logger, {
    webDistDir: defaultWebDist(),
  });
  // No admin yet: asks for one on a terminal (embedded mode), else says how to make one.
  await offerFirstAdmin(database, logger);
  // Close-out, retention, pruning: every instance ticks, one runs each period (ADR 8).
  scheduleJobs(app, services, logger);

  // SIGTERM/SIGINT: stop accepting, end SSE streams (preClose), drain requests, close pools.
  // An uncaught exception also lands here and exits non-zero; an unhandled rejection is
  // only logged (above), not a reason to stop serving.
  closeWithGrace(
    { delay: 10_000, logger, skip: ['unhandledRejection'] },
    async ({ signal, err }) => {
      if (err !== undefined) logger.error({ err }, 'shutting down after an uncaught error');
      else logger.info({ signal }, 'shutting down');
      await app.close();
    },
  );

  await app.listen({ host: config.host, port: config.port });
};

start().catch((err: unknown) => {
  process.stderr.write(
    `MediQue failed to start: ${err instanceof Error ? err.message : String(err)}\n`,
  );
  process.exit(1);
});
