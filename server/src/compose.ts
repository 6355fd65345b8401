import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fs from 'node:fs';
import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { makeUseCases, type UseCases } from './application/use-cases.js';
import type { Clock, EventPublisher } from './application/ports.js';
import type { Config } from './config.js';
import { openPglite } from './infrastructure/embedded/pglite-database.js';
import { makeInProcessBus } from './infrastructure/events/in-process-bus.js';
import { openPostgres, type DatabaseHandle } from './infrastructure/postgres/pg-database.js';
import { migrateToLatest } from './infrastructure/postgres/migrator.js';
import { makeTransactor } from './infrastructure/postgres/transactor.js';
import { makeArgon2Hasher } from './infrastructure/security/argon2-hasher.js';
import {
  deviceTokens,
  sha256Fingerprinter,
  systemRandomness,
} from './infrastructure/security/crypto.js';
import { buildApp } from './presentation/http/app.js';

/**
 * The wiring shared by main.ts, the CLI commands and the integration tests:
 * config → database → adapters → use cases → HTTP app.
 */
export const openDatabase = async (config: Config, logger?: Logger): Promise<DatabaseHandle> =>
  config.databaseUrl !== undefined
    ? openPostgres({
        connectionString: config.databaseUrl,
        poolSize: config.dbPoolSize,
        ...(logger && { logger }),
      })
    : openPglite({ dataDir: config.dataDir, ...(logger && { logger }) });

export const systemClock: Clock = { now: () => new Date() };

export interface Services {
  readonly useCases: UseCases;
  readonly events: EventPublisher & ReturnType<typeof makeInProcessBus>;
}

export const makeServices = (
  database: DatabaseHandle,
  options: { timeZone: string; clock?: Clock },
): Services => {
  const events = makeInProcessBus();
  const useCases = makeUseCases({
    tx: makeTransactor(database.db),
    clock: options.clock ?? systemClock,
    random: systemRandomness,
    fingerprints: sha256Fingerprinter,
    events,
    hasher: makeArgon2Hasher(),
    tokens: deviceTokens,
    timeZone: options.timeZone,
  });
  return { useCases, events };
};

/** Where the built web app lives relative to this file (src/ under tsx, dist/ when built). */
export const defaultWebDist = (): string | undefined => {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const dist = path.resolve(here, '../../web/dist');
  return fs.existsSync(path.join(dist, 'index.html')) ? dist : undefined;
};

export const composeApp = async (
  config: Config,
  database: DatabaseHandle,
  logger: FastifyBaseLogger,
  options: { clock?: Clock; webDistDir?: string | undefined } = {},
): Promise<{ app: FastifyInstance; services: Services }> => {
  await migrateToLatest(database.db);
  const services = makeServices(database, {
    timeZone: config.timeZone,
    ...(options.clock && { clock: options.clock }),
  });
  const app = await buildApp({
    useCases: services.useCases,
    logger,
    jwtSecret: config.jwtSecret,
    ready: () =>
      database.ping().then(
        () => true,
        () => false,
      ),
    webDistDir: options.webDistDir,
    trustProxy: config.trustProxy,
  });
  app.addHook('onClose', () => database.close());
  return { app, services };
};
