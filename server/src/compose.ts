import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type {
  Clock,
  EventBus,
  EventPublisher,
  IdempotencyGuard,
  StreamTicketStore,
} from './application/ports.js';
import { makeUseCases, type UseCases } from './application/use-cases.js';
import type { Config } from './config.js';
import type { VisitEvent } from './domain/events.js';
import { noIdempotencyGuard } from './infrastructure/embedded/no-idempotency-guard.js';
import { openPglite } from './infrastructure/embedded/pglite-database.js';
import { makeInProcessBus } from './infrastructure/events/in-process-bus.js';
import { makeMemoryStreamTickets } from './infrastructure/events/memory-stream-tickets.js';
import { makeEventLog } from './infrastructure/postgres/event-log.repository.js';
import { migrateToLatest } from './infrastructure/postgres/migrator.js';
import { openPostgres, type DatabaseHandle } from './infrastructure/postgres/pg-database.js';
import { makeTransactor } from './infrastructure/postgres/transactor.js';
import { makeRedisBus } from './infrastructure/redis/redis-bus.js';
import { openRedis } from './infrastructure/redis/redis-client.js';
import { makeRedisIdempotencyGuard } from './infrastructure/redis/redis-idempotency.js';
import { redisKeys } from './infrastructure/redis/keys.js';
import { makeRedisStreamTickets } from './infrastructure/redis/redis-stream-tickets.js';
import { makeArgon2Hasher } from './infrastructure/security/argon2-hasher.js';
import { systemClock } from './infrastructure/time/system-clock.js';
import {
  deviceTokens,
  sha256Fingerprinter,
  systemRandomness,
} from './infrastructure/security/crypto.js';
import { buildApp } from './presentation/http/app.js';
import { makeMetrics } from './presentation/http/metrics.js';

/**
 * The wiring shared by main.ts, the CLI commands and the integration tests:
 * config → database (+ Redis) → adapters → use cases → HTTP app.
 */
export const openDatabase = async (config: Config, logger?: Logger): Promise<DatabaseHandle> =>
  config.databaseUrl !== undefined
    ? openPostgres({
        connectionString: config.databaseUrl,
        poolSize: config.dbPoolSize,
        ...(logger && { logger }),
      })
    : openPglite({ dataDir: config.dataDir, ...(logger && { logger }) });

/** What differs between one embedded process and many instances sharing Redis. */
interface Coordination {
  readonly bus: EventPublisher & EventBus;
  readonly idempotencyGuard: IdempotencyGuard;
  readonly streamTicketStore: StreamTicketStore;
  /** The commands connection, for counters shared across instances (rate limits). */
  readonly redis?: Redis;
  readonly ping: () => Promise<void>;
  readonly close: () => Promise<void>;
}

const inProcess = (clock: Clock): Coordination => ({
  bus: makeInProcessBus(),
  idempotencyGuard: noIdempotencyGuard,
  streamTicketStore: makeMemoryStreamTickets(clock),
  ping: async () => {},
  close: async () => {},
});

const overRedis = (url: string, logger?: Logger): Coordination => {
  const publisher = openRedis(url, 'commands', logger);
  const subscriber = openRedis(url, 'subscriber', logger);
  const quit = async (r: Redis) => {
    await r.quit().catch(() => r.disconnect());
  };
  return {
    bus: makeRedisBus({ publisher, subscriber, ...(logger && { logger }) }),
    idempotencyGuard: makeRedisIdempotencyGuard(publisher, (err) =>
      logger?.warn({ err }, 'redis idempotency guard unavailable; Postgres decides'),
    ),
    streamTicketStore: makeRedisStreamTickets(publisher),
    redis: publisher,
    ping: async () => {
      await publisher.ping();
    },
    close: async () => {
      await Promise.all([quit(publisher), quit(subscriber)]);
    },
  };
};

export interface Services {
  readonly useCases: UseCases;
  readonly coordination: Coordination;
}

export const makeServices = (
  database: DatabaseHandle,
  options: {
    timeZone: string;
    redisUrl?: string | undefined;
    clock?: Clock;
    logger?: Logger;
    /** Told about every committed event too (metrics). */
    observeEvents?: EventPublisher['publish'];
    /** Told about every event this instance's live feeds forward (fan-out lag). */
    observeForwarded?: (event: VisitEvent) => void;
  },
): Services => {
  const clock = options.clock ?? systemClock;
  const coordination =
    options.redisUrl === undefined ? inProcess(clock) : overRedis(options.redisUrl, options.logger);
  const observe = options.observeEvents;
  const events: EventPublisher =
    observe === undefined
      ? coordination.bus
      : {
          publish: (committed) => {
            observe(committed);
            coordination.bus.publish(committed);
          },
        };
  const useCases = makeUseCases({
    tx: makeTransactor(database.db, clock),
    clock,
    random: systemRandomness,
    fingerprints: sha256Fingerprinter,
    events,
    bus: coordination.bus,
    idempotencyGuard: coordination.idempotencyGuard,
    streamTicketStore: coordination.streamTicketStore,
    log: makeEventLog(database.db),
    hasher: makeArgon2Hasher(),
    tokens: deviceTokens,
    timeZone: options.timeZone,
    ...(options.observeForwarded && { onEventForwarded: options.observeForwarded }),
    onBackgroundError: (err) => options.logger?.error({ err }, 'live feed error'),
  });
  return { useCases, coordination };
};

/** Where the built web app lives relative to this file (src/ under tsx, dist/ when built). */
export const defaultWebDist = (): string | undefined => {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const dist = path.resolve(here, '../../web/dist');
  return fs.existsSync(path.join(dist, 'index.html')) ? dist : undefined;
};

/** server/package.json's version (one level above src/ under tsx and dist/ when built). */
const packageVersion = (): string => {
  const file = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../package.json');
  try {
    const parsed = JSON.parse(fs.readFileSync(file, 'utf8')) as { version?: unknown };
    return typeof parsed.version === 'string' ? parsed.version : 'unknown';
  } catch {
    return 'unknown';
  }
};

export const composeApp = async (
  config: Config,
  database: DatabaseHandle,
  logger: FastifyBaseLogger,
  options: { clock?: Clock; webDistDir?: string | undefined; heartbeatMs?: number } = {},
): Promise<{ app: FastifyInstance; services: Services }> => {
  await migrateToLatest(database.db);
  const clock = options.clock ?? systemClock;
  const metrics = makeMetrics(clock);
  if (database.poolStats !== undefined) metrics.readPoolFrom(database.poolStats);
  const services = makeServices(database, {
    timeZone: config.timeZone,
    redisUrl: config.redisUrl,
    logger: logger as Logger,
    observeEvents: (events) => metrics.countEvents(events),
    observeForwarded: (event) => metrics.observeFanoutLag(event),
    clock,
  });
  const { redis } = services.coordination;
  const app = await buildApp({
    useCases: services.useCases,
    clock,
    logger,
    jwtSecret: config.jwtSecret,
    production: config.env === 'production',
    ready: () =>
      Promise.all([database.ping(), services.coordination.ping()]).then(
        () => true,
        () => false,
      ),
    webDistDir: options.webDistDir,
    trustProxy: config.trustProxy,
    ...(options.heartbeatMs !== undefined && { heartbeatMs: options.heartbeatMs }),
    corsOrigins: config.corsOrigins,
    rateLimits: config.rateLimits,
    rateLimitStore: redis === undefined ? undefined : { redis, nameSpace: redisKeys.rateLimit },
    metrics,
    metricsToken: config.metricsToken,
    health: {
      version: packageVersion(),
      startedAt: clock.now(),
      database: { kind: database.kind, ping: () => database.ping() },
      redis: redis === undefined ? undefined : { ping: () => services.coordination.ping() },
    },
  });
  app.addHook('onClose', async () => {
    await services.coordination.close();
    await database.close();
  });
  return { app, services };
};
