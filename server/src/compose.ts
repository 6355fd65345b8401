import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type {
  Clock,
  ControlBus,
  ControlPublisher,
  EventBus,
  EventPublisher,
  IdempotencyGuard,
  StreamTicketStore,
} from './application/ports.js';
import { makeUseCases, type UseCases } from './application/use-cases.js';
import { makeJobRunner, type JobOutcome, type JobRunner } from './application/jobs/job-runner.js';
import { startJobSchedule } from './application/jobs/job-schedule.js';
import type { Config } from './config.js';
import type { VisitEvent } from './domain/events.js';
import { noIdempotencyGuard } from './infrastructure/embedded/no-idempotency-guard.js';
import { openPglite } from './infrastructure/embedded/pglite-database.js';
import { makeInProcessBus } from './infrastructure/events/in-process-bus.js';
import { makeMemoryStreamTickets } from './infrastructure/events/memory-stream-tickets.js';
import { makeEventLog } from './infrastructure/postgres/event-log.repository.js';
import { migrateToLatest } from './infrastructure/postgres/migrator.js';
import { migrateAsOwner } from './infrastructure/postgres/owner-migration.js';
import { connectedAsOwner } from './infrastructure/postgres/app-role.js';
import { makeCheckInRecorder } from './infrastructure/postgres/check-in-recorder.js';
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
import { makeMetrics, type AppMetrics } from './presentation/http/metrics.js';

/**
 * The wiring shared by main.ts, the CLI commands and the integration tests:
 * config → database (+ Redis) → adapters → use cases → HTTP app.
 */
export const openDatabase = async (config: Config, logger?: Logger): Promise<DatabaseHandle> =>
  config.databaseUrl !== undefined
    ? openPostgres({
        connectionString: config.databaseUrl,
        poolSize: config.dbPoolSize,
        preparedStatements: config.dbPreparedStatements,
        ...(logger && { logger }),
      })
    : openPglite({ dataDir: config.dataDir, ...(logger && { logger }) });

/** What differs between one embedded process and many instances sharing Redis. */
interface Coordination {
  readonly bus: EventPublisher & EventBus & ControlPublisher & ControlBus;
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
  /** Scheduled jobs (close-out, retention, pruning); `scheduleJobs` puts them on a timer. */
  readonly jobs: JobRunner;
}

export const makeServices = (
  database: DatabaseHandle,
  options: {
    timeZone: string;
    sessionMaxHours: number;
    redisUrl?: string | undefined;
    clock?: Clock;
    logger?: Logger;
    /** Told about every committed event too (metrics). */
    observeEvents?: EventPublisher['publish'];
    /** Told about every event this instance's live feeds forward (fan-out lag). */
    observeForwarded?: (event: VisitEvent) => void;
    /** RETENTION_DAYS (default 30). */
    retentionDays?: number;
    /** Told about every scheduled job run (logs, metrics). */
    observeJobs?: (outcome: JobOutcome) => void;
    /** CHECKIN_GROUP_COMMIT (default on); PGlite never batches (one connection). */
    checkInGroupCommit?: boolean;
    /** Told how many check-ins each committed statement wrote (metrics). */
    observeCheckInBatch?: (size: number) => void;
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
  const tx = makeTransactor(database.db, clock);
  const useCases = makeUseCases({
    tx,
    checkIns: makeCheckInRecorder(database.db, {
      groupCommit: database.kind === 'postgres' && options.checkInGroupCommit !== false,
      // ADR 10: one queue for all departments, dealt over two so that batches of different
      // departments commit side by side.
      scope: 'instance',
      shards: 2,
      onBatchError: (err, size) =>
        options.logger?.warn({ err, size }, 'check-in batch failed; writing its items one by one'),
      ...(options.observeCheckInBatch && { onWritten: options.observeCheckInBatch }),
    }),
    clock,
    random: systemRandomness,
    fingerprints: sha256Fingerprinter,
    events,
    bus: coordination.bus,
    control: coordination.bus,
    idempotencyGuard: coordination.idempotencyGuard,
    streamTicketStore: coordination.streamTicketStore,
    log: makeEventLog(database.db),
    hasher: makeArgon2Hasher(),
    tokens: deviceTokens,
    timeZone: options.timeZone,
    sessionMaxHours: options.sessionMaxHours,
    ...(options.observeForwarded && { onEventForwarded: options.observeForwarded }),
    onBackgroundError: (err) => options.logger?.error({ err }, 'live feed error'),
  });
  const jobs = makeJobRunner({
    tx,
    clock,
    events,
    timeZone: options.timeZone,
    retentionDays: options.retentionDays ?? 30,
    ...(options.observeJobs && { onOutcome: options.observeJobs }),
  });
  return { useCases, coordination, jobs };
};

/**
 * Migrations, run by the entry points before they compose anything: `main.ts` (once, in the
 * primary of a WEB_CONCURRENCY cluster), the CLIs that need a current schema, and the tests'
 * app support. With a DATABASE_MIGRATION_URL of its own, they run as the owner over a
 * separate, short-lived connection, which also sets the application role's grants (ADR 8);
 * otherwise over the service's own connection, as before.
 */
export const migrateDatabase = async (
  config: Config,
  database: DatabaseHandle,
  logger?: Logger,
): Promise<{ applied: string[]; appRole: string | null }> => {
  const ownerUrl = config.databaseMigrationUrl;
  if (
    database.kind === 'postgres' &&
    config.databaseUrl !== undefined &&
    ownerUrl !== undefined &&
    ownerUrl !== config.databaseUrl
  ) {
    return migrateAsOwner({ ownerUrl, appUrl: config.databaseUrl, ...(logger && { logger }) });
  }
  const applied = await migrateToLatest(database.db);
  if (
    database.kind === 'postgres' &&
    config.env === 'production' &&
    (await connectedAsOwner(database.db))
  ) {
    logger?.warn(
      'The service connects to Postgres as the owner of the tables (or a superuser), which can ' +
        'switch off the audit trigger. Give DATABASE_URL a role of its own and the owner to ' +
        'DATABASE_MIGRATION_URL (docs/operations.md, "Database roles").',
    );
  }
  return { applied, appRole: null };
};

const jobObserver =
  (logger: FastifyBaseLogger, metrics: AppMetrics) =>
  (o: JobOutcome): void => {
    metrics.countJobRun(o.job, o.outcome);
    if (o.outcome === 'failed') {
      logger.error({ err: o.error, job: o.job, period: o.period }, 'scheduled job failed');
    } else if (o.outcome === 'ran') {
      logger.info({ job: o.job, period: o.period, rows: o.rows }, 'scheduled job ran');
    }
  };

/**
 * Puts the scheduled jobs on this instance's timer (every instance ticks; one runs each
 * period). Stopped before the app closes its pools, after the last run in progress ends.
 */
export const scheduleJobs = (
  app: FastifyInstance,
  services: Services,
  logger: FastifyBaseLogger,
): void => {
  const schedule = startJobSchedule(services.jobs, {
    onError: (err) => logger.error({ err }, 'scheduled jobs tick failed'),
  });
  app.addHook('preClose', async () => {
    await schedule.stop();
  });
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

/** The HTTP app, over a database the caller has migrated (`migrateDatabase`). */
export const composeApp = async (
  config: Config,
  database: DatabaseHandle,
  logger: FastifyBaseLogger,
  options: { clock?: Clock; webDistDir?: string | undefined; heartbeatMs?: number } = {},
): Promise<{ app: FastifyInstance; services: Services }> => {
  const clock = options.clock ?? systemClock;
  const metrics = makeMetrics(clock);
  if (database.poolStats !== undefined) metrics.readPoolFrom(database.poolStats);
  const services = makeServices(database, {
    timeZone: config.timeZone,
    sessionMaxHours: config.sessionMaxHours,
    redisUrl: config.redisUrl,
    logger: logger as Logger,
    observeEvents: (events) => metrics.countEvents(events),
    observeForwarded: (event) => metrics.observeFanoutLag(event),
    retentionDays: config.retentionDays,
    observeJobs: jobObserver(logger, metrics),
    checkInGroupCommit: config.checkInGroupCommit,
    observeCheckInBatch: (size) => metrics.observeCheckInBatch(size),
    clock,
  });
  const { redis } = services.coordination;
  const app = await buildApp({
    useCases: services.useCases,
    clock,
    logger,
    jwtSecret: config.jwtSecret,
    jwtPreviousSecret: config.jwtPreviousSecret,
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
    await services.useCases.live.shutdown(); // live views' subscriptions and timers
    await services.coordination.close();
    await database.close();
  });
  return { app, services };
};
