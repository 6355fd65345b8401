import { randomUUID } from 'node:crypto';
import path from 'node:path';
import fastifyCookie from '@fastify/cookie';
import fastifyCsrf from '@fastify/csrf-protection';
import fastifyStatic from '@fastify/static';
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import {
  jsonSchemaTransform,
  jsonSchemaTransformObject,
  serializerCompiler,
  validatorCompiler,
  type ZodTypeProvider,
} from 'fastify-type-provider-zod';
import type { Clock } from '../../application/ports.js';
import type { UseCases } from '../../application/use-cases.js';
import { authPlugin } from './auth.js';
import { installErrorHandling, problem, sendProblem } from './errors.js';
import { installRequestMetrics, type AppMetrics } from './metrics.js';
import { adminDepartmentRoutes } from './routes/admin-departments.routes.js';
import { adminDeviceRoutes } from './routes/admin-devices.routes.js';
import { adminSessionRoutes } from './routes/admin-sessions.routes.js';
import { adminUserRoutes } from './routes/admin-users.routes.js';
import { auditRoutes } from './routes/audit.routes.js';
import { authRoutes } from './routes/auth.routes.js';
import { checkinRoutes } from './routes/checkins.routes.js';
import { departmentRoutes } from './routes/departments.routes.js';
import { deviceRoutes } from './routes/device.routes.js';
import { healthRoutes } from './routes/health.routes.js';
import { operationsRoutes, type HealthSources } from './routes/operations.routes.js';
import { reportRoutes } from './routes/reports.routes.js';
import { streamRoutes } from './routes/streams.routes.js';
import { declarePluginRoutes } from './route-policy.js';
import { registerSecurity, type RateLimits, type SecurityOptions } from './security.js';
import { makeSseRegistry } from './sse.js';
import { visitRoutes } from './routes/visits.routes.js';

export interface AppDeps {
  readonly useCases: UseCases;
  /** The application clock: access tokens are signed and judged by it. */
  readonly clock: Clock;
  readonly logger: FastifyBaseLogger;
  readonly jwtSecret: string;
  /** JWT_SECRET_PREVIOUS, during a rotation: its tokens are accepted, never issued. */
  readonly jwtPreviousSecret?: string | undefined;
  /** Postgres (and Redis, when used) reachable. */
  readonly ready: () => Promise<boolean>;
  /** The built web app, served at / when present. */
  readonly webDistDir?: string | undefined;
  readonly trustProxy?: readonly string[];
  /** Production: cookies are Secure. */
  readonly production?: boolean;
  /** SSE comment interval; docs/api.md: at least every 15 s. */
  readonly heartbeatMs?: number;
  /** CORS allow-list (CORS_ORIGINS); empty: no cross-origin access. */
  readonly corsOrigins: readonly string[];
  /** RATE_LIMIT_*. */
  readonly rateLimits: RateLimits;
  /** Redis for rate-limit counters shared across instances; absent: per instance. */
  readonly rateLimitStore?: SecurityOptions['rateLimitStore'];
  /** Prometheus metrics of this app. */
  readonly metrics: AppMetrics;
  /** METRICS_TOKEN; absent: /metrics answers 404. */
  readonly metricsToken?: string | undefined;
  /** What /health/details reports. */
  readonly health: HealthSources;
}

const BODY_LIMIT = 64 * 1024;
const requestIdPattern = /^[A-Za-z0-9._-]{8,64}$/;

/** The HTTP app, without listening: tests drive it with `inject()`, main.ts with `listen()`. */
export const buildApp = async (deps: AppDeps): Promise<FastifyInstance> => {
  const app = Fastify({
    loggerInstance: deps.logger,
    bodyLimit: BODY_LIMIT,
    trustProxy:
      deps.trustProxy !== undefined && deps.trustProxy.length > 0 ? [...deps.trustProxy] : false,
    // A caller's request id is kept when it looks like one, so logs line up across hops.
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && requestIdPattern.test(given) ? given : randomUUID();
    },
    requestTimeout: 30_000,
    // Errors the router raises before any route runs (an over-long or malformed path
    // parameter) get the same problem documents as everything else.
    frameworkErrors: (error, request, reply) => {
      const detail =
        error.code === 'FST_ERR_MAX_PARAM_LENGTH'
          ? 'A path parameter is too long'
          : 'The URL is malformed';
      void sendProblem(reply, problem('VALIDATION_FAILED', detail, String(request.id)));
    },
    routerOptions: { maxParamLength: 200 },
  }).withTypeProvider<ZodTypeProvider>();

  // JSON only: any other body type is a 415, not a string for the schema to puzzle over.
  app.removeContentTypeParser('text/plain');
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  installErrorHandling(
    app,
    deps.webDistDir === undefined ? undefined : (reply) => reply.sendFile('index.html'),
  );
  // Every route declares its access and rate limit (route-policy.ts); plugins' routes are
  // given theirs where the plugin is registered.
  const pluginRoutes = declarePluginRoutes(app);
  await registerSecurity(
    app,
    {
      production: deps.production === true,
      corsOrigins: deps.corsOrigins,
      rateLimits: deps.rateLimits,
      rateLimitStore: deps.rateLimitStore,
    },
    pluginRoutes,
  );
  installRequestMetrics(app, deps.metrics);
  app.addHook('onSend', async (request, reply) => {
    void reply.header('x-request-id', String(request.id));
  });

  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'MediQue API',
        version: '1.0.0',
        description: 'Patient queue service (docs/api.md)',
      },
      components: {
        securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } },
      },
      security: [{ bearer: [] }],
    },
    transform: jsonSchemaTransform,
    // The schemas named with .meta({ id }) become components; without this their $refs dangle.
    transformObject: jsonSchemaTransformObject,
  });
  await pluginRoutes({ access: 'public', limit: 'global', swaggerUi: true }, () =>
    app.register(fastifySwaggerUi, { routePrefix: '/docs' }),
  );
  app.get(
    '/openapi.json',
    { config: { access: 'public', limit: 'global' }, schema: { hide: true } },
    () => app.swagger(),
  );

  await app.register(fastifyCookie);
  await app.register(fastifyCsrf, {
    // The secret half of the double submit: httpOnly, only sent to the auth routes.
    cookieKey: 'mq_csrf_secret',
    cookieOpts: {
      path: '/api/v1/auth',
      httpOnly: true,
      sameSite: 'strict',
      secure: deps.production === true,
    },
    getToken: (request) => {
      const header = request.headers['x-csrf-token'];
      return typeof header === 'string' ? header : '';
    },
  });
  await app.register(authPlugin, {
    jwtSecret: deps.jwtSecret,
    jwtPreviousSecret: deps.jwtPreviousSecret,
    useCases: deps.useCases,
    clock: deps.clock,
  });
  const opts = { useCases: deps.useCases };
  await app.register(healthRoutes, { ready: deps.ready });
  await app.register(authRoutes, {
    ...opts,
    secureCookies: deps.production === true,
    clock: deps.clock,
  });
  await app.register(departmentRoutes, opts);
  await app.register(deviceRoutes, opts);
  await app.register(checkinRoutes, opts);
  await app.register(visitRoutes, opts);
  await app.register(adminDepartmentRoutes, opts);
  await app.register(adminUserRoutes, opts);
  await app.register(adminDeviceRoutes, opts);
  await app.register(auditRoutes, opts);
  await app.register(adminSessionRoutes, opts);
  await app.register(reportRoutes, opts);
  // Each heartbeat also rechecks the open streams' credentials: the backstop for a
  // revocation announcement lost while Redis was away (ADR 11).
  const sse = makeSseRegistry(app, deps.heartbeatMs ?? 15_000, deps.useCases.live.recheckStreams);
  deps.metrics.readOpenStreamsFrom(() => sse.size);
  deps.metrics.readReadyFrom(deps.ready);
  await app.register(operationsRoutes, {
    metrics: deps.metrics,
    metricsToken: deps.metricsToken,
    health: deps.health,
    openStreams: () => sse.size,
  });
  await app.register(streamRoutes, {
    ...opts,
    sse,
  });

  if (deps.webDistDir !== undefined) await serveWebApp(app, deps.webDistDir, pluginRoutes);
  return app;
};

/**
 * The single-page app's client-side routes (docs/screens.md): a deep link or a reload gets
 * index.html and the app takes it from there. Any other page path gets index.html with a
 * 404 status (the app's "not found" screen), from the not-found handler.
 */
export const webAppRoutes = [
  '/kiosk',
  '/login',
  '/dashboard',
  '/admin',
  '/admin/*',
  '/board/:boardId',
  '/t/:publicToken',
] as const;

/** The single-page app: its files, and index.html for each client-side route. */
const serveWebApp = async (
  app: FastifyInstance,
  root: string,
  pluginRoutes: ReturnType<typeof declarePluginRoutes>,
): Promise<void> => {
  // One route per file found at start-up (wildcard: false), each given this policy.
  const files = { access: 'public', limit: 'global' } as const;
  await pluginRoutes(files, () =>
    app.register(fastifyStatic, {
      root: path.resolve(root),
      wildcard: false,
      // Hashed asset names never change content: cache them for a year. index.html is
      // revalidated so a deploy reaches every screen on its next load.
      setHeaders: (reply, filePath) => {
        void reply.header(
          'cache-control',
          filePath.includes(`${path.sep}assets${path.sep}`)
            ? 'public, max-age=31536000, immutable'
            : 'no-cache',
        );
      },
    }),
  );
  for (const url of webAppRoutes) {
    app.get(
      url,
      { config: { access: 'public', limit: 'global' }, schema: { hide: true } },
      (_request, reply) => reply.sendFile('index.html'),
    );
  }
};
