import diagnostics from 'node:diagnostics_channel';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { FastifyInstance, RouteOptions } from 'fastify';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { UseCases } from '../../src/application/use-cases.js';
import { systemClock } from '../../src/infrastructure/time/system-clock.js';
import { buildApp } from '../../src/presentation/http/app.js';
import { makeMetrics } from '../../src/presentation/http/metrics.js';

/**
 * Issue 12: every route declares who may call it (`config.access`) and how often
 * (`config.limit`) in its own options (presentation/http/route-policy.ts); nothing is
 * attached by URL, so a renamed route cannot lose either. Every route the app registers —
 * ours, the HEAD twins Fastify adds, and those of CORS, Swagger UI and the web app's
 * files — is collected as it is declared and checked once the app is ready.
 */

const accessKinds = new Set(['staff', 'kiosk', 'board']);
const limits = new Set(['global', 'login', 'checkin', 'stream']);

/** Nothing is called: building the app only registers routes. */
const noUseCases = new Proxy(
  {},
  {
    get: (_target, name) => () => {
      throw new Error(`use case ${String(name)} called while listing routes`);
    },
  },
) as UseCases;

let webDir: string;
let app: FastifyInstance;
const routes: RouteOptions[] = [];

beforeAll(async () => {
  // A built web app in miniature: the static plugin declares one route per file.
  webDir = await mkdtemp(path.join(tmpdir(), 'mediqueue-policy-'));
  await mkdir(path.join(webDir, 'assets'));
  await writeFile(path.join(webDir, 'index.html'), '<!doctype html><title>t</title>');
  await writeFile(path.join(webDir, 'assets', 'app-abc123.js'), 'void 0;');

  // Fastify announces each new instance here before anything is registered on it, so this
  // onRoute hook sees every route. Hooks added later reassign `config` on the same object:
  // it is read after ready(), as the app will use it.
  const collect = ({ fastify }: { fastify: FastifyInstance }) => {
    fastify.addHook('onRoute', (route) => {
      routes.push(route);
    });
  };
  const channel = diagnostics.channel('fastify.initialization');
  channel.subscribe(collect as (message: unknown) => void);
  try {
    app = await buildApp({
      useCases: noUseCases,
      clock: systemClock,
      logger: pino({ level: 'silent' }),
      jwtSecret: 'listing-routes-only-0123456789abcdefghij',
      ready: async () => false,
      corsOrigins: [],
      rateLimits: { globalPerMinute: 1, loginPerMinute: 1, checkinPerMinute: 1 },
      metrics: makeMetrics(systemClock),
      health: {
        version: 'test',
        startedAt: systemClock.now(),
        database: { kind: 'none', ping: async () => {} },
      },
      webDistDir: webDir,
    });
  } finally {
    channel.unsubscribe(collect as (message: unknown) => void);
  }
  await app.ready();
});

afterAll(async () => {
  await app?.close();
  await rm(webDir, { recursive: true, force: true });
});

const name = (r: RouteOptions): string =>
  `${(Array.isArray(r.method) ? r.method : [r.method]).join(',')} ${r.url}`;

describe('issue 12: every route declares its access and its rate limit', () => {
  it('collects every route of the app, plugins and web app files included', () => {
    const names = new Set(routes.map(name));
    for (const expected of [
      'POST /api/v1/checkins',
      'HEAD /api/v1/departments',
      'GET /api/v1/admin/kiosks',
      'GET /api/v1/tickets/:publicToken/events',
      'OPTIONS *',
      'GET /docs/static/index.html',
      'HEAD,GET /assets/app-abc123.js',
      'GET /board/:boardId',
      'GET /metrics',
    ]) {
      expect(names, expected).toContain(expected);
    }
  });

  it('no route lacks `access` or `limit`, and each is a known value', () => {
    const faults: string[] = [];
    for (const route of routes) {
      const { access, limit } = route.config ?? {};
      const accessOk =
        access === 'public' ||
        (access !== undefined && access.length > 0 && access.every((k) => accessKinds.has(k)));
      if (!accessOk) faults.push(`${name(route)}: access ${JSON.stringify(access)}`);
      if (limit === undefined || !limits.has(limit)) {
        faults.push(`${name(route)}: limit ${JSON.stringify(limit)}`);
      }
    }
    expect(faults).toEqual([]);
  });

  it('only login, check-in and the three streams declare a limit other than the global one', () => {
    const special = routes
      .filter((r) => r.config?.limit !== 'global')
      .map((r) => `${name(r)} → ${String(r.config?.limit)}`)
      .sort();
    expect(special).toEqual([
      'GET /api/v1/boards/:boardId/events → stream',
      'GET /api/v1/departments/:id/events → stream',
      'GET /api/v1/tickets/:publicToken/events → stream',
      'HEAD /api/v1/boards/:boardId/events → stream',
      'HEAD /api/v1/departments/:id/events → stream',
      'HEAD /api/v1/tickets/:publicToken/events → stream',
      'POST /api/v1/auth/login → login',
      'POST /api/v1/checkins → checkin',
    ]);
  });
});
