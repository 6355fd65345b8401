import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { IsoDateTime, problems } from '../../../contracts/index.js';
import { isAdmin } from '../../../domain/actor.js';
import { DomainError } from '../../../domain/errors.js';
import { actorOf } from '../auth.js';
import type { AppMetrics } from '../metrics.js';

/** What /health/details reports on; compose.ts supplies it. */
export interface HealthSources {
  readonly version: string;
  /** When this process started serving, by the application clock. */
  readonly startedAt: Date;
  readonly database: { readonly kind: string; ping(): Promise<void> };
  /** Absent when this instance runs without Redis (embedded mode). */
  readonly redis?: { ping(): Promise<void> } | undefined;
}

export interface OperationsOptions {
  readonly metrics: AppMetrics;
  /** `/metrics` answers 404 when unset: no token, no metrics. */
  readonly metricsToken: string | undefined;
  readonly health: HealthSources;
  readonly openStreams: () => number;
}

const PING_TIMEOUT_MS = 2_000;

/** Hashing both sides first makes the comparison constant-time whatever their lengths. */
const sameSecret = (given: string, expected: string): boolean =>
  timingSafeEqual(
    createHash('sha256').update(given).digest(),
    createHash('sha256').update(expected).digest(),
  );

/** How long `ping` took, or null if it failed or took longer than PING_TIMEOUT_MS. */
const timedPing = async (ping: () => Promise<void>): Promise<number | null> => {
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('ping timed out')), PING_TIMEOUT_MS);
  });
  try {
    await Promise.race([ping(), timeout]);
    return Math.round((performance.now() - started) * 10) / 10;
  } catch {
    return null;
  } finally {
    clearTimeout(timer);
  }
};

const Up = z.enum(['up', 'down']);
const HealthDetails = z.object({
  status: z.enum(['ok', 'degraded']),
  version: z.string(),
  node: z.string(),
  uptimeSeconds: z.number(),
  startedAt: IsoDateTime,
  dependencies: z.object({
    database: z.object({ kind: z.string(), status: Up, latencyMs: z.number().nullable() }),
    redis: z.object({
      configured: z.boolean(),
      status: z.enum(['up', 'down', 'not_configured']),
      latencyMs: z.number().nullable(),
    }),
  }),
  streams: z.object({ open: z.number().int() }),
});

/** Prometheus metrics (token-protected) and the admin's health details (docs/api.md, Operations). */
export const operationsRoutes: FastifyPluginAsyncZod<OperationsOptions> = async (app, opts) => {
  app.get(
    '/metrics',
    {
      // Not a staff credential: the auth plugin stays out, the handler checks METRICS_TOKEN.
      config: { access: 'public', limit: 'global' },
      schema: {
        tags: ['operations'],
        summary: 'Prometheus metrics (Authorization: Bearer <METRICS_TOKEN>)',
        response: { 200: z.string().describe('Prometheus text format'), ...problems(401, 404) },
      },
    },
    async (request, reply) => {
      const expected = opts.metricsToken;
      if (expected === undefined || expected === '') {
        throw new DomainError('NOT_FOUND', 'No route for GET /metrics');
      }
      const match = /^Bearer (.+)$/i.exec(request.headers.authorization ?? '');
      if (match?.[1] === undefined || !sameSecret(match[1], expected)) {
        void reply.header('www-authenticate', 'Bearer realm="metrics"');
        throw new DomainError('UNAUTHENTICATED', 'A valid metrics token is required');
      }
      const text = await opts.metrics.render();
      return reply
        .type(opts.metrics.contentType)
        .serializer((payload) => payload as string)
        .send(text);
    },
  );

  app.get(
    '/health/details',
    {
      config: { access: ['staff'], limit: 'global' },
      schema: {
        tags: ['operations'],
        summary: 'Dependency states, version and uptime (admin only)',
        response: { 200: HealthDetails, ...problems(401, 403) },
      },
    },
    async (request) => {
      if (!isAdmin(actorOf(request))) {
        throw new DomainError('FORBIDDEN', 'Only admins can see health details');
      }
      const { database, redis, version } = opts.health;
      const [dbLatency, redisLatency] = await Promise.all([
        timedPing(() => database.ping()),
        redis === undefined ? Promise.resolve(null) : timedPing(() => redis.ping()),
      ]);
      const redisStatus: 'up' | 'down' | 'not_configured' =
        redis === undefined ? 'not_configured' : redisLatency === null ? 'down' : 'up';
      const uptimeSeconds = Math.round(process.uptime());
      return {
        status:
          dbLatency === null || redisStatus === 'down' ? ('degraded' as const) : ('ok' as const),
        version,
        node: process.version,
        uptimeSeconds,
        startedAt: opts.health.startedAt.toISOString(),
        dependencies: {
          database: {
            kind: database.kind,
            status: dbLatency === null ? ('down' as const) : ('up' as const),
            latencyMs: dbLatency,
          },
          redis: {
            configured: redis !== undefined,
            status: redisStatus,
            latencyMs: redisLatency,
          },
        },
        streams: { open: opts.openStreams() },
      };
    },
  );
};
