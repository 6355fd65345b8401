import { randomInt } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPostgres } from '../../src/infrastructure/postgres/pg-database.js';
import {
  bearer,
  checkIn,
  createDepartment,
  createKiosk,
  listen,
  startTestApp,
  testConfig,
  type TestApp,
} from '../support/app.js';
import { freshPostgres, type TestDatabase } from '../support/postgres.js';
import { connectSse, type SseConnection } from '../support/sse-client.js';

/**
 * SPEC "Security" and "Operations" at the HTTP edge: Helmet headers, the CORS allow-list,
 * rate limits (in memory and shared through Redis), TRUST_PROXY, /metrics,
 * /health/details and the audit log endpoint.
 *
 * `main` runs with testConfig's unreachable limits and does the setup (admin, departments,
 * kiosks); each limit test builds its own app on the same database with low limits.
 */
const redisUrl = process.env.TEST_REDIS_URL ?? process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const METRICS_TOKEN = 'metrics-token-for-tests-0123456789';
const ALLOWED_ORIGIN = 'https://reception.clinic.example';

let db: TestDatabase;
let main: TestApp;
let admin: string;
const others: TestApp[] = [];

beforeAll(async () => {
  db = await freshPostgres();
  main = await startTestApp(db.handle, {
    config: testConfig({ METRICS_TOKEN, CORS_ORIGINS: `${ALLOWED_ORIGIN}, https://board.example` }),
  });
  admin = await main.adminToken();
});

afterAll(async () => {
  for (const t of others) await t.close();
  await main.close();
  await db.drop();
});

/** Another app on the same database (its own pool; app.close() closes it). */
const appWith = async (env: NodeJS.ProcessEnv): Promise<TestApp> => {
  const handle = openPostgres({ connectionString: db.url, poolSize: 3 });
  const t = await startTestApp(handle, { config: testConfig(env) });
  others.push(t);
  return t;
};

const get = (t: TestApp, url: string, headers: Record<string, string> = {}) =>
  t.app.inject({ method: 'GET', url, headers });

const expectProblem = (res: LightMyRequestResponse, status: number, code: string) => {
  expect(res.statusCode, res.body).toBe(status);
  expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  expect(res.json()).toMatchObject({ status, code });
};

const expectRateLimited = (res: LightMyRequestResponse) => {
  expectProblem(res, 429, 'RATE_LIMITED');
  const retryAfter = Number(res.headers['retry-after']);
  expect(Number.isInteger(retryAfter)).toBe(true);
  expect(retryAfter).toBeGreaterThanOrEqual(1);
  expect(retryAfter).toBeLessThanOrEqual(60);
};

/** A client address nobody else uses in this Redis within the minute. */
const randomClientIp = () => `10.${randomInt(256)}.${randomInt(256)}.${randomInt(1, 255)}`;

describe('helmet', () => {
  it('sends a real CSP, nosniff and no X-Powered-By; no HSTS outside production', async () => {
    for (const url of ['/health/live', '/api/v1/departments', '/no/such/route']) {
      const res = await get(main, url);
      const csp = String(res.headers['content-security-policy']);
      expect(csp).toContain("default-src 'self'");
      expect(csp).toContain("script-src 'self'");
      expect(csp).toContain("style-src 'self'");
      expect(csp).toContain("object-src 'none'");
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).not.toContain('unsafe-inline');
      expect(csp).not.toContain('unsafe-eval');
      expect(csp).not.toContain('upgrade-insecure-requests');
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.headers['x-frame-options']).toBe('DENY');
      expect(res.headers['referrer-policy']).toBe('no-referrer');
      expect(res.headers['x-powered-by']).toBeUndefined();
      expect(res.headers['strict-transport-security']).toBeUndefined();
    }
  });

  it('serves /docs and its assets under the same policy', async () => {
    const page = await get(main, '/docs/');
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    const docsCsp = String(page.headers['content-security-policy']);
    expect(docsCsp).toContain("script-src 'self';");
    // One relaxation, by hash, on /docs only: the <style> in Swagger UI's logo.
    expect(docsCsp).toMatch(/style-src 'self' 'sha256-[A-Za-z0-9+/=]+';/);
    expect(docsCsp).not.toContain('unsafe-inline');
    expect(String((await get(main, '/health/live')).headers['content-security-policy'])).toContain(
      "style-src 'self';",
    );
    // No inline code that the policy would block: scripts and styles are files.
    expect(page.body).not.toMatch(/<script>(?!\s*<\/script>)/);
    expect(page.body).not.toMatch(/<style/);
    for (const asset of ['/docs/static/swagger-ui.css', '/docs/static/swagger-initializer.js']) {
      expect((await get(main, asset)).statusCode, asset).toBe(200);
    }
  });

  it('adds HSTS (and upgrade-insecure-requests) in production', async () => {
    const prod = await appWith({
      NODE_ENV: 'production',
      DATABASE_URL: db.url,
      REDIS_URL: redisUrl,
      METRICS_TOKEN,
    });
    const res = await get(prod, '/health/live');
    expect(res.headers['strict-transport-security']).toBe('max-age=31536000; includeSubDomains');
    expect(res.headers['content-security-policy']).toContain('upgrade-insecure-requests');
  });
});

describe('CORS', () => {
  it('answers an allowed origin with its origin and credentials, and exposes our headers', async () => {
    const res = await get(main, '/health/live', { origin: ALLOWED_ORIGIN });
    expect(res.headers['access-control-allow-origin']).toBe(ALLOWED_ORIGIN);
    expect(res.headers['access-control-allow-credentials']).toBe('true');
    const exposed = String(res.headers['access-control-expose-headers']).toLowerCase();
    for (const h of ['location', 'retry-after', 'idempotent-replayed', 'x-request-id']) {
      expect(exposed).toContain(h);
    }
    expect(String(res.headers.vary)).toMatch(/origin/i);
  });

  it('gives a foreign origin nothing', async () => {
    const res = await get(main, '/health/live', { origin: 'https://evil.example' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['access-control-allow-origin']).toBeUndefined();
    expect(res.headers['access-control-allow-credentials']).toBeUndefined();
  });

  it('answers a preflight from an allowed origin before authentication', async () => {
    const res = await main.app.inject({
      method: 'OPTIONS',
      url: '/api/v1/checkins',
      headers: {
        origin: ALLOWED_ORIGIN,
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'authorization, content-type, idempotency-key',
      },
    });
    expect(res.statusCode).toBe(204);
    expect(res.headers['access-control-allow-origin']).toBe(ALLOWED_ORIGIN);
    expect(res.headers['access-control-allow-credentials']).toBe('true');
    expect(String(res.headers['access-control-allow-methods'])).toContain('POST');
    const allowed = String(res.headers['access-control-allow-headers']).toLowerCase();
    for (const h of ['authorization', 'content-type', 'idempotency-key', 'x-csrf-token']) {
      expect(allowed).toContain(h);
    }
    expect(allowed).toContain('last-event-id');
  });

  it('does not answer a preflight from a foreign origin', async () => {
    const res = await main.app.inject({
      method: 'OPTIONS',
      url: '/api/v1/checkins',
      headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' },
    });
    expect(res.statusCode).not.toBe(204);
    expect(res.headers['access-control-allow-origin']).toBeUndefined();
    expect(res.headers['access-control-allow-methods']).toBeUndefined();
  });

  it('allows no cross-origin access at all when CORS_ORIGINS is empty', async () => {
    const closed = await appWith({});
    const res = await get(closed, '/health/live', { origin: ALLOWED_ORIGIN });
    expect(res.headers['access-control-allow-origin']).toBeUndefined();
  });
});

describe('rate limits', () => {
  it('global: the request after the limit is a 429 RATE_LIMITED problem with Retry-After, on any route', async () => {
    const t = await appWith({ RATE_LIMIT_GLOBAL_PER_MINUTE: '5' });
    for (let i = 0; i < 5; i++) {
      const res = await get(t, '/health/live');
      expect(res.statusCode).toBe(200);
      expect(res.headers['x-ratelimit-limit']).toBe('5');
    }
    const sixth = await get(t, '/health/live');
    expectRateLimited(sixth);
    expect(sixth.json()).toMatchObject({ type: 'urn:mediqueue:problem:rate-limited' });
    expect(typeof sixth.json<{ requestId: unknown }>().requestId).toBe('string');
    // Per client, not per route; and before authentication (no token lookup for a flood).
    expectRateLimited(await get(t, '/api/v1/departments', bearer('mqk_not-a-real-token')));
    expectRateLimited(await get(t, '/no/such/route'));
  });

  it('login: limited per client IP whatever the username', async () => {
    const t = await appWith({ RATE_LIMIT_LOGIN_PER_MINUTE: '3' });
    const attempt = (i: number) =>
      t.app.inject({
        method: 'POST',
        url: '/api/v1/auth/login',
        payload: { username: `nobody-${i}`, password: 'Wrong-Password-123!' },
      });
    for (let i = 0; i < 3; i++) expectProblem(await attempt(i), 401, 'INVALID_CREDENTIALS');
    expectRateLimited(await attempt(3));
    // Only login is limited this tightly.
    expect((await get(t, '/health/live')).statusCode).toBe(200);
  });

  it('check-in: limited per kiosk credential; another kiosk is not affected', async () => {
    const dep = await createDepartment(main, 'RLCI');
    const kioskA = await createKiosk(main, [dep.id]);
    const kioskB = await createKiosk(main, [dep.id]);
    const t = await appWith({ RATE_LIMIT_CHECKIN_PER_MINUTE: '3' });
    const checkInWith = (token: string, key: string) =>
      t.app.inject({
        method: 'POST',
        url: '/api/v1/checkins',
        headers: { ...bearer(token), 'idempotency-key': key },
        payload: { departmentId: dep.id },
      });
    for (let i = 0; i < 3; i++) expect((await checkInWith(kioskA, `a-${i}`)).statusCode).toBe(201);
    expectRateLimited(await checkInWith(kioskA, 'a-3'));
    expect((await checkInWith(kioskB, 'b-0')).statusCode).toBe(201);
    // Other routes of kiosk A are still open (same IP, global limit not reached).
    expect((await get(t, '/api/v1/departments', bearer(kioskA))).statusCode).toBe(200);
  });

  it('stream routes are exempt from the global limit (a 429 would kill an EventSource)', async () => {
    const dep = await createDepartment(main, 'RLSSE');
    const kiosk = await createKiosk(main, [dep.id]);
    const visit = (await checkIn(main, kiosk, dep.id)) as unknown as { publicToken: string };
    const doctor = await main.tokenFor({
      username: 'sse-doctor',
      role: 'doctor',
      departmentIds: [dep.id],
    });
    const board = await main.app.inject({
      method: 'POST',
      url: '/api/v1/admin/boards',
      headers: bearer(admin),
      payload: { name: 'Waiting room', departmentIds: [dep.id] },
    });
    const { board: boardBody, token: boardToken } = board.json<{
      board: { id: string };
      token: string;
    }>();

    const t = await appWith({ RATE_LIMIT_GLOBAL_PER_MINUTE: '3' });
    const base = await listen(t.app);
    const streams: SseConnection[] = [];
    try {
      for (let i = 0; i < 2; i++) {
        streams.push(
          await connectSse(`${base}/api/v1/departments/${dep.id}/events`, bearer(doctor)),
          await connectSse(`${base}/api/v1/boards/${boardBody.id}/events`, bearer(boardToken)),
          await connectSse(`${base}/api/v1/tickets/${visit.publicToken}/events`),
        );
      }
      expect(streams.map((s) => s.status)).toEqual(Array(6).fill(200));
      await Promise.all(streams.map((s) => s.until((f) => f.length >= 1)));
      // The streams used none of the budget: three plain requests pass, the fourth is limited.
      for (let i = 0; i < 3; i++) {
        expect((await fetch(`${base}/health/live`)).status).toBe(200);
      }
      const limited = await fetch(`${base}/health/live`);
      expect(limited.status).toBe(429);
      expect(limited.headers.get('retry-after')).toMatch(/^\d+$/);
      // And a stream still opens once the client is over the global limit.
      streams.push(await connectSse(`${base}/api/v1/tickets/${visit.publicToken}/events`));
      expect(streams.at(-1)?.status).toBe(200);
    } finally {
      for (const s of streams) s.close();
    }
  });

  it('is shared through Redis: two instances, limit 5, three requests each → the sixth is 429', async () => {
    const env = {
      REDIS_URL: redisUrl,
      RATE_LIMIT_GLOBAL_PER_MINUTE: '5',
      TRUST_PROXY: '127.0.0.1',
    };
    const [a, b] = [await appWith(env), await appWith(env)] as const;
    for (const t of [a, b]) {
      const redis = t.services.coordination.redis;
      expect(redis).toBeDefined();
      for (let i = 0; i < 250 && redis?.status !== 'ready'; i++) await sleep(20);
    }
    // A client address of its own keeps other Redis users (parallel test files) out of the bucket.
    const client = { 'x-forwarded-for': randomClientIp() };
    const statuses: number[] = [];
    for (const t of [a, a, a, b, b, b])
      statuses.push((await get(t, '/health/live', client)).statusCode);
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429]);
    expectRateLimited(await get(a, '/health/live', client));
  });
});

describe('TRUST_PROXY', () => {
  const twoClaims = async (t: TestApp) => {
    const first = await get(t, '/health/live', { 'x-forwarded-for': '203.0.113.1' });
    const second = await get(t, '/health/live', { 'x-forwarded-for': '203.0.113.2' });
    return [first.statusCode, second.statusCode];
  };

  it('without TRUST_PROXY, X-Forwarded-For is ignored: two claimed clients share one bucket', async () => {
    const t = await appWith({ RATE_LIMIT_GLOBAL_PER_MINUTE: '1' });
    expect(await twoClaims(t)).toEqual([200, 429]);
  });

  it('X-Forwarded-For from an address that is not a configured proxy is ignored', async () => {
    const t = await appWith({ RATE_LIMIT_GLOBAL_PER_MINUTE: '1', TRUST_PROXY: '10.9.9.9' });
    expect(await twoClaims(t)).toEqual([200, 429]);
  });

  it('with TRUST_PROXY=127.0.0.1, each forwarded client gets its own bucket', async () => {
    const t = await appWith({ RATE_LIMIT_GLOBAL_PER_MINUTE: '1', TRUST_PROXY: '127.0.0.1' });
    expect(await twoClaims(t)).toEqual([200, 200]);
    expectRateLimited(await get(t, '/health/live', { 'x-forwarded-for': '203.0.113.1' }));
  });
});

describe('/metrics', () => {
  const metricsText = async (token = METRICS_TOKEN) => {
    const res = await get(main, '/metrics', bearer(token));
    expect(res.statusCode).toBe(200);
    return res.body;
  };
  const sample = (text: string, series: string): number => {
    const line = text.split('\n').find((l) => l.startsWith(`${series} `));
    return line === undefined ? 0 : Number(line.slice(series.length + 1));
  };

  it('refuses a missing, wrong or wrong-length token with 401', async () => {
    expectProblem(await get(main, '/metrics'), 401, 'UNAUTHENTICATED');
    expectProblem(
      await get(main, '/metrics', bearer(`${METRICS_TOKEN.slice(0, -1)}x`)),
      401,
      'UNAUTHENTICATED',
    );
    expectProblem(await get(main, '/metrics', bearer('short')), 401, 'UNAUTHENTICATED');
    expectProblem(
      await get(main, '/metrics', { authorization: METRICS_TOKEN }),
      401,
      'UNAUTHENTICATED',
    );
  });

  it('serves Prometheus text: requests by route pattern, check-ins, events, streams, pool, process', async () => {
    const dep = await createDepartment(main, 'METR');
    const kiosk = await createKiosk(main, [dep.id]);
    const before = await metricsText();
    const visit = await checkIn(main, kiosk, dep.id);
    await get(main, `/api/v1/visits/${visit.id}`, bearer(admin));
    const res = await get(main, '/metrics', bearer(METRICS_TOKEN));
    expect(res.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = res.body;
    expect(text).toContain('# TYPE http_requests_total counter');
    expect(text).toMatch(
      /http_requests_total\{method="POST",route="\/api\/v1\/checkins",status="201"\} \d+/,
    );
    expect(text).toContain('http_request_duration_seconds_bucket{');
    // Route patterns, never raw URLs: one series per route, not per patient.
    expect(text).toContain('route="/api/v1/visits/:id"');
    expect(text).not.toContain(visit.id);
    const checkIns = 'mediqueue_checkins_total{priority="normal"}';
    expect(sample(text, checkIns)).toBe(sample(before, checkIns) + 1);
    const events = 'mediqueue_visit_events_total{type="visit.checked_in"}';
    expect(sample(text, events)).toBe(sample(before, events) + 1);
    expect(text).toMatch(/^mediqueue_sse_connections \d+$/m);
    expect(text).toContain('# TYPE mediqueue_event_fanout_lag_seconds histogram');
    expect(text).toMatch(/^mediqueue_db_pool_clients\{state="total"\} \d+$/m);
    expect(text).toContain('process_cpu_user_seconds_total');
    expect(text).toContain('nodejs_eventloop_lag_seconds');
  });

  it('is 404 when no METRICS_TOKEN is configured', async () => {
    const t = await appWith({});
    expectProblem(await get(t, '/metrics'), 404, 'NOT_FOUND');
    expectProblem(await get(t, '/metrics', bearer(METRICS_TOKEN)), 404, 'NOT_FOUND');
  });
});

describe('/health/details', () => {
  it('shows an admin the dependencies, version, uptime and open streams', async () => {
    const res = await get(main, '/health/details', bearer(admin));
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json<{
      uptimeSeconds: number;
      startedAt: string;
      dependencies: { database: { latencyMs: number } };
    }>();
    expect(body).toMatchObject({
      status: 'ok',
      version: '0.1.0',
      node: process.version,
      dependencies: {
        database: { kind: 'postgres', status: 'up' },
        redis: { configured: false, status: 'not_configured', latencyMs: null },
      },
      streams: { open: expect.any(Number) as number },
    });
    expect(body.uptimeSeconds).toBeGreaterThanOrEqual(0);
    expect(Number.isNaN(Date.parse(body.startedAt))).toBe(false);
    expect(body.dependencies.database.latencyMs).toBeGreaterThanOrEqual(0);
  });

  it('reports Redis when the instance uses it', async () => {
    const t = await appWith({ REDIS_URL: redisUrl });
    const redis = t.services.coordination.redis;
    for (let i = 0; i < 250 && redis?.status !== 'ready'; i++) await sleep(20);
    const res = await get(t, '/health/details', bearer(admin));
    expect(res.json()).toMatchObject({
      dependencies: { redis: { configured: true, status: 'up' } },
    });
  });

  it('is 403 for a doctor, 403 for a kiosk and 401 without a credential', async () => {
    const dep = await createDepartment(main, 'HLTH');
    const doctor = await main.tokenFor({
      username: 'health-doc',
      role: 'doctor',
      departmentIds: [dep.id],
    });
    expectProblem(await get(main, '/health/details', bearer(doctor)), 403, 'FORBIDDEN');
    expectProblem(
      await get(main, '/health/details', bearer(await createKiosk(main, [dep.id]))),
      403,
      'FORBIDDEN',
    );
    expectProblem(await get(main, '/health/details'), 401, 'UNAUTHENTICATED');
  });
});

describe('OpenAPI', () => {
  it('describes the audit, metrics and health-details endpoints', async () => {
    const res = await get(main, '/openapi.json');
    expect(res.statusCode).toBe(200);
    const paths = Object.keys(res.json<{ paths: Record<string, unknown> }>().paths);
    expect(paths).toEqual(
      expect.arrayContaining(['/api/v1/admin/audit', '/metrics', '/health/details']),
    );
  });
});

describe('GET /api/v1/admin/audit', () => {
  interface AuditEventBody {
    id: string;
    at: string;
    actor: { type: string; id: string | null };
    action: string;
    entity: string;
    entityId: string | null;
    before: unknown;
    after: unknown;
    ip: string | null;
    requestId: string | null;
  }
  interface AuditPageBody {
    events: AuditEventBody[];
    nextCursor: string | null;
  }
  const audit = async (query: string, token = admin): Promise<AuditPageBody> => {
    const res = await get(main, `/api/v1/admin/audit${query}`, bearer(token));
    expect(res.statusCode, res.body).toBe(200);
    return res.json<AuditPageBody>();
  };

  let dep: { id: string; roomIds: string[] };
  let kioskId: string;
  let visitId: string;
  let calledAt: { from: string; to: string };

  beforeAll(async () => {
    dep = await createDepartment(main, 'AUDT');
    const created = await main.app.inject({
      method: 'POST',
      url: '/api/v1/admin/kiosks',
      headers: bearer(admin),
      payload: { name: 'Audit kiosk', departmentIds: [dep.id] },
    });
    const kiosk = created.json<{ kiosk: { id: string }; token: string }>();
    kioskId = kiosk.kiosk.id;
    for (let i = 0; i < 4; i++) await checkIn(main, kiosk.token, dep.id);
    const visit = await checkIn(main, kiosk.token, dep.id, { displayName: 'Awa Audit' });
    visitId = visit.id;
    await sleep(5);
    const from = new Date().toISOString();
    await sleep(5);
    const called = await main.app.inject({
      method: 'POST',
      url: `/api/v1/visits/${visitId}/call`,
      headers: bearer(admin),
      payload: { version: visit.version, roomId: dep.roomIds[0] },
    });
    expect(called.statusCode, called.body).toBe(200);
    await sleep(5);
    calledAt = { from, to: new Date().toISOString() };
  });

  it('returns events newest first with the documented fields, and no patient data', async () => {
    const page = await audit('?limit=200');
    expect(page.events.length).toBeGreaterThanOrEqual(8);
    const ids = page.events.map((e) => BigInt(e.id));
    expect([...ids].sort((a, b) => (a > b ? -1 : a < b ? 1 : 0))).toEqual(ids);
    const call = page.events.find((e) => e.action === 'visit.called');
    expect(call).toMatchObject({
      actor: { type: 'staff', id: expect.any(String) as string },
      entity: 'visit',
      entityId: visitId,
      before: { state: 'WAITING' },
      after: { state: 'CALLED' },
      ip: '127.0.0.1',
      requestId: expect.any(String) as string,
    });
    expect(Object.keys(call ?? {}).sort()).toEqual(
      [
        'id',
        'at',
        'actor',
        'action',
        'entity',
        'entityId',
        'before',
        'after',
        'ip',
        'requestId',
      ].sort(),
    );
    expect(JSON.stringify(page)).not.toContain('Awa Audit');
  });

  it('filters by action', async () => {
    const page = await audit('?action=visit.checked_in&limit=200');
    expect(page.events.length).toBeGreaterThanOrEqual(5);
    expect(new Set(page.events.map((e) => e.action))).toEqual(new Set(['visit.checked_in']));
  });

  it('filters by visitId: that visit only, newest first', async () => {
    const page = await audit(`?visitId=${visitId}`);
    expect(page.events.map((e) => e.action)).toEqual(['visit.called', 'visit.checked_in']);
    expect(page.events.every((e) => e.entityId === visitId)).toBe(true);
  });

  it('filters by actorId', async () => {
    const page = await audit(`?actorId=${kioskId}&limit=200`);
    expect(page.events).toHaveLength(5);
    expect(page.events.every((e) => e.actor.type === 'kiosk' && e.actor.id === kioskId)).toBe(true);
  });

  it('filters by from/to (inclusive) and combines filters', async () => {
    const q = `?from=${encodeURIComponent(calledAt.from)}&to=${encodeURIComponent(calledAt.to)}`;
    const page = await audit(`${q}&limit=200`);
    expect(page.events.length).toBeGreaterThanOrEqual(1);
    for (const e of page.events) {
      expect(Date.parse(e.at)).toBeGreaterThanOrEqual(Date.parse(calledAt.from));
      expect(Date.parse(e.at)).toBeLessThanOrEqual(Date.parse(calledAt.to));
    }
    const combined = await audit(`${q}&visitId=${visitId}`);
    expect(combined.events.map((e) => e.action)).toEqual(['visit.called']);
    const future = new Date(Date.now() + 3_600_000).toISOString();
    expect((await audit(`?from=${encodeURIComponent(future)}`)).events).toEqual([]);
    // Offsets are accepted too.
    const before = await audit(`?to=${encodeURIComponent('2000-01-01T00:00:00+02:00')}`);
    expect(before.events).toEqual([]);
  });

  it('pages with an opaque nextCursor until null, without gaps or repeats', async () => {
    const all = await audit('?limit=200');
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page: AuditPageBody = await audit(
        `?limit=3${cursor === null ? '' : `&cursor=${encodeURIComponent(cursor)}`}`,
      );
      expect(page.events.length).toBeLessThanOrEqual(3);
      seen.push(...page.events.map((e) => e.id));
      cursor = page.nextCursor;
      pages += 1;
    } while (cursor !== null && pages < 100);
    expect(seen).toEqual(all.events.map((e) => e.id));
    expect(pages).toBe(Math.ceil(all.events.length / 3));
  });

  it('is admin only: 403 for a doctor or a kiosk, 401 anonymous', async () => {
    const doctor = await main.tokenFor({
      username: 'audit-doc',
      role: 'doctor',
      departmentIds: [dep.id],
    });
    expectProblem(await get(main, '/api/v1/admin/audit', bearer(doctor)), 403, 'FORBIDDEN');
    const kiosk = await createKiosk(main, [dep.id]);
    expectProblem(await get(main, '/api/v1/admin/audit', bearer(kiosk)), 403, 'FORBIDDEN');
    expectProblem(await get(main, '/api/v1/admin/audit'), 401, 'UNAUTHENTICATED');
  });

  it.each([
    ['from=yesterday'],
    ['to=2026-13-01T00:00:00Z'],
    ['from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z'],
    ['visitId=not-a-uuid'],
    [`actorId=${'a'.repeat(65)}`],
    [`action=${'a'.repeat(65)}`],
    ['limit=0'],
    ['limit=201'],
    ['limit=ten'],
    ['cursor=%21%21%21'],
    [`cursor=${Buffer.from('not-an-id').toString('base64url')}`],
    ['unknown=1'],
  ])('rejects a bad query (%s) with 400 VALIDATION_FAILED', async (query) => {
    expectProblem(
      await get(main, `/api/v1/admin/audit?${query}`, bearer(admin)),
      400,
      'VALIDATION_FAILED',
    );
  });
});
