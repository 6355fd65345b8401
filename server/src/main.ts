import closeWithGrace from 'close-with-grace';
import { composeApp, defaultWebDist, openDatabase } from './compose.js';
import { ConfigError, loadConfig } from './config.js';
import { createLogger } from './infrastructure/logging/logger.js';

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
  const logger = createLogger({ level: config.logLevel, pretty: process.stdout.isTTY });
  for (const warning of warnings) logger.warn(warning);

  process.on('unhandledRejection', (reason) =>
    logger.error({ err: reason }, 'unhandled promise rejection'),
  );

  const database = await openDatabase(config, logger);
  const { app } = await composeApp(config, database, logger, { webDistDir: defaultWebDist() });

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
  if (database.kind === 'pglite') {
    logger.info(
      `Embedded mode: data in ${config.dataDir}. No admin yet? Stop the server (Ctrl+C), run ` +
        `npm run admin:create -- --username admin --password '<a strong password>', then npm start again.`,
    );
  }
};

start().catch((err: unknown) => {
  process.stderr.write(
    `MediQue failed to start: ${err instanceof Error ? err.message : String(err)}\n`,
  );
  process.exit(1);
});
