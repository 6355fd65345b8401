import { createHash } from 'node:crypto';
import fastifyCors from '@fastify/cors';
import fastifyRateLimit, { type RateLimitOptions } from '@fastify/rate-limit';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import helmet from 'helmet';
import type { Redis } from 'ioredis';
import { DomainError } from '../../domain/errors.js';
import type { declarePluginRoutes, RateLimitPolicy } from './route-policy.js';

/** Requests per minute (docs/api.md: RATE_LIMIT_*). */
export interface RateLimits {
  readonly globalPerMinute: number;
  readonly loginPerMinute: number;
  readonly checkinPerMinute: number;
}

export interface SecurityOptions {
  readonly production: boolean;
  /** Origins allowed to call the API from a browser; empty: no cross-origin access at all. */
  readonly corsOrigins: readonly string[];
  readonly rateLimits: RateLimits;
  /**
   * Counters shared by every instance (SPEC: limits hold across instances). Without it
   * each instance counts on its own, which is right for the single embedded process.
   */
  readonly rateLimitStore?: { readonly redis: Redis; readonly nameSpace: string } | undefined;
}

const WINDOW_MS = 60_000;

/**
 * Check-ins count per credential, not per IP: kiosks often share one clinic NAT address.
 * The route's limit runs after the auth hook, so the actor is known; the header's hash is
 * the fallback (an unauthenticated request has already been refused by then).
 */
const credentialKey = (request: FastifyRequest): string => {
  if (request.actor !== null) return `${request.actor.type}:${request.actor.id}`;
  const authorization = request.headers.authorization;
  return authorization === undefined
    ? `ip:${request.ip}`
    : `auth:${createHash('sha256').update(authorization).digest('base64url')}`;
};

/**
 * What @fastify/rate-limit is told for each route policy (route-policy.ts): a route limit
 * on top of the global one, no route limit (`undefined`), or no limit at all (`false`).
 */
const pluginLimits = (
  limits: RateLimits,
): Record<RateLimitPolicy, RateLimitOptions | false | undefined> => ({
  global: undefined,
  login: { max: limits.loginPerMinute, timeWindow: WINDOW_MS },
  checkin: { max: limits.checkinPerMinute, timeWindow: WINDOW_MS, keyGenerator: credentialKey },
  stream: false,
});

const rateLimited = (retryAfterSeconds: number): DomainError =>
  new DomainError('RATE_LIMITED', `Too many requests; retry in ${retryAfterSeconds} s`, {
    retryAfterSeconds,
  });

/**
 * A CSP the built web app and Swagger UI (/docs) both satisfy: every script and style
 * comes from this origin as a file (Vite emits no inline code; React sets styles through
 * the DOM, which style-src does not govern). `data:` images cover Swagger UI's icons and
 * generated QR codes; `data:`/`blob:` media covers the board's chime.
 */
const contentSecurityPolicy = (production: boolean, extraStyles: readonly string[] = []) => ({
  useDefaults: false,
  directives: {
    defaultSrc: ["'self'"],
    scriptSrc: ["'self'"],
    scriptSrcAttr: ["'none'"],
    styleSrc: ["'self'", ...extraStyles],
    imgSrc: ["'self'", 'data:'],
    fontSrc: ["'self'", 'data:'],
    connectSrc: ["'self'"],
    mediaSrc: ["'self'", 'data:', 'blob:'],
    workerSrc: ["'self'"],
    manifestSrc: ["'self'"],
    objectSrc: ["'none'"],
    baseUri: ["'self'"],
    formAction: ["'self'"],
    frameAncestors: ["'none'"],
    // Over plain HTTP (a laptop, the embedded mode on a LAN) upgrading would break assets.
    ...(production && { upgradeInsecureRequests: [] }),
  },
});

/**
 * Swagger UI's only inline code: the <style> inside its logo SVG
 * (`.logo_small_svg__cls-2{fill:#fff}.logo_small_svg__cls-3{fill:#85ea2d}`, @fastify/swagger-ui
 * 6.1). Allowed by hash on /docs only; a newer Swagger UI with another logo merely loses the
 * logo's colours (and logs a CSP warning) until this hash is updated.
 */
const swaggerLogoStyle = "'sha256-RL3ie0nH+Lzz2YNqQN83mnU0J1ot4QL7b99vMdIX99w='";

/**
 * Helmet, CORS and rate limits, by each route's declared policy (route-policy.ts).
 * Registered on the root instance before any route: the hooks must reach every route, and
 * the route limits are attached by onRoute hooks that only see routes declared after them.
 */
export const registerSecurity = async (
  app: FastifyInstance,
  opts: SecurityOptions,
  pluginRoutes: ReturnType<typeof declarePluginRoutes>,
): Promise<void> => {
  const limitOf = pluginLimits(opts.rateLimits);
  // Before the plugin: its onRoute hook reads what this one sets (rateLimit).
  app.addHook('onRoute', (route) => {
    const rateLimit = limitOf[route.config?.limit ?? 'global'];
    // A fresh config object each time: routes may share one (the admin routes do).
    if (rateLimit !== undefined) route.config = { ...route.config, rateLimit };
  });

  // Helmet's headers are fixed by its options: its middleware is built once here (the
  // Fastify plugin rebuilt it, CSP parsing included, on every request). An event stream
  // gets none of them: they protect documents, and a stream is not one (ADR 11).
  const documentHeaders = (extraStyles: readonly string[] = []) =>
    helmet({
      contentSecurityPolicy: contentSecurityPolicy(opts.production, extraStyles),
      frameguard: { action: 'deny' },
      // HSTS only where TLS is certain; over HTTP it would pin browsers to a missing HTTPS.
      strictTransportSecurity: opts.production
        ? { maxAge: 31_536_000, includeSubDomains: true }
        : false,
    });
  const pages = documentHeaders();
  const docs = documentHeaders([swaggerLogoStyle]);
  app.addHook('onRequest', (request, reply, done) => {
    const { limit, swaggerUi } = request.routeOptions.config;
    if (limit === 'stream') {
      done();
      return;
    }
    const headers = swaggerUi === true ? docs : pages;
    headers(request.raw, reply.raw, (err?: unknown) => done(err as Error | undefined));
  });

  const allowed = new Set(opts.corsOrigins);
  // CORS's catch-all OPTIONS route: a preflight is answered by CORS's hook, before any
  // credential is looked at (a browser sends none with it); anything else it answers 404.
  const cors = { access: 'public', limit: 'global' } as const;
  await pluginRoutes(cors, () =>
    app.register(fastifyCors, {
      // Unlisted origins get no CORS headers at all (and no preflight answer).
      origin: (origin, callback) => {
        callback(null, origin !== undefined && allowed.has(origin));
      },
      credentials: true,
      methods: ['GET', 'HEAD', 'POST', 'PATCH', 'DELETE'],
      allowedHeaders: [
        'Authorization',
        'Content-Type',
        'Idempotency-Key',
        'X-CSRF-Token',
        'Last-Event-ID',
        'X-Request-Id',
      ],
      exposedHeaders: ['Location', 'Retry-After', 'Idempotent-Replayed', 'X-Request-Id'],
      maxAge: 600,
      // A bad preflight from an allowed origin gets the same 204, not a text/plain 400.
      strictPreflight: false,
    }),
  );

  await app.register(fastifyRateLimit, {
    // The global limit is the hook below; the plugin only runs the route limits.
    global: false,
    max: opts.rateLimits.globalPerMinute,
    timeWindow: WINDOW_MS,
    cache: 10_000,
    ...(opts.rateLimitStore !== undefined && {
      redis: opts.rateLimitStore.redis,
      nameSpace: opts.rateLimitStore.nameSpace,
    }),
    // Redis down: let requests through rather than turn every kiosk away. The limits are
    // a guard against floods, not a correctness rule.
    skipOnError: true,
    errorResponseBuilder: (_request, context) => rateLimited(Math.ceil(context.ttl / 1000)),
  });

  // The global per-IP limit as a root onRequest hook: it runs before the auth hook, so a
  // flood of bad credentials is throttled before it costs a token or database lookup
  // (route-level hooks would only run after authentication).
  const globalLimit = app.createRateLimit();
  app.addHook('onRequest', async (request, reply) => {
    if (request.routeOptions.config.limit === 'stream') return;
    const result = await globalLimit(request);
    if (result.isAllowed) return;
    void reply.header('x-ratelimit-limit', result.max);
    void reply.header('x-ratelimit-remaining', result.remaining);
    void reply.header('x-ratelimit-reset', result.ttlInSeconds);
    if (result.isExceeded) {
      void reply.header('retry-after', result.ttlInSeconds);
      throw rateLimited(result.ttlInSeconds);
    }
  });
};
