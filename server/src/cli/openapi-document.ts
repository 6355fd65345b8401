import pino from 'pino';
import type { UseCases } from '../application/use-cases.js';
import { buildApp } from '../presentation/http/app.js';
import { makeMetrics } from '../presentation/http/metrics.js';
import { systemClock } from '../infrastructure/time/system-clock.js';

/**
 * Every property is a function that refuses to run: routes only register while the
 * document is built, so nothing may call a use case.
 */
const unavailable = new Proxy(
  {},
  {
    get: (_target, name) => () => {
      throw new Error(`use case ${String(name)} is not available while describing the API`);
    },
  },
) as UseCases;

/**
 * The served OpenAPI 3.1 document (`/openapi.json`), built without a database: what the
 * web app's generated API types come from (`npm run api:types`).
 */
export const openApiDocument = async (): Promise<unknown> => {
  const app = await buildApp({
    useCases: unavailable,
    clock: systemClock,
    logger: pino({ level: 'silent' }),
    jwtSecret: 'describing-the-api-only-0123456789abcdef',
    ready: async () => false,
    // Nothing is served: limits, metrics and health sources only have to exist.
    corsOrigins: [],
    rateLimits: { globalPerMinute: 1, loginPerMinute: 1, checkinPerMinute: 1 },
    metrics: makeMetrics(systemClock),
    health: {
      version: 'describing-the-api',
      startedAt: systemClock.now(),
      database: { kind: 'none', ping: async () => {} },
    },
  });
  await app.ready();
  try {
    return app.swagger();
  } finally {
    await app.close();
  }
};
