import { readFileSync } from 'node:fs';
import path from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import {
  createDepartment,
  createKiosk,
  listen,
  startTestApp,
  TEST_PASSWORD,
  testConfig,
  type TestApp,
} from '../support/app.js';
import { startCaddy, type RunningCaddy } from '../support/caddy.js';
import { freshPostgres, type TestDatabase } from '../support/postgres.js';
import { serverDir } from '../support/process.js';
import {
  openH2Stream,
  pemFingerprint,
  plainRequest,
  request,
  type Client,
} from '../support/tls-client.js';

/**
 * Issue 10, item 3: the shipped proxy (deploy/Caddyfile, ADR 12), run by Caddy in front of
 * a MediQue in production mode, as compose runs them — TLS from the internal CA, HTTP
 * redirected, the app's HSTS once, Secure cookies end to end, an SSE event through at once,
 * and the client's own address (127.0.0.2, not the proxy's 127.0.0.1 nor what it claims)
 * in the audit log, with TRUST_PROXY given as a CIDR range as compose gives it.
 */
const redisUrl = process.env.TEST_REDIS_URL ?? process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const CLIENT_ADDRESS = '127.0.0.2';
const SPOOFED = '203.0.113.9';

let db: TestDatabase;
let t: TestApp;
let upstream: string;
let caddy: RunningCaddy;
let client: Client;

beforeAll(async () => {
  db = await freshPostgres();
  t = await startTestApp(db.handle, {
    config: testConfig({
      NODE_ENV: 'production',
      DATABASE_URL: db.url,
      REDIS_URL: redisUrl,
      METRICS_TOKEN: 'metrics-token-for-tests-0123456789',
      TRUST_PROXY: '127.0.0.1/32',
    }),
  });
  upstream = new URL(await listen(t.app)).host;
  caddy = await startCaddy({ upstreams: upstream });
  client = {
    ca: caddy.rootCertificate(),
    httpsPort: caddy.httpsPort,
    localAddress: CLIENT_ADDRESS,
  };
});

afterAll(async () => {
  await caddy?.stop();
  await t?.close();
  await db?.drop();
});

describe('TLS at the proxy', () => {
  it('serves the certificate its internal CA issued, trusted through the root alone', async () => {
    const res = await request(client, '/health/ready');
    expect(res.status, caddy.output()).toBe(200);
    expect(res.body).toBe('{"status":"ok"}');
    expect(res.certificate).toBe(pemFingerprint(caddy.issuedCertificate('localhost').cert));
  });

  it('is refused by a client that has not installed the root', async () => {
    await expect(request({ ...client, ca: '' }, '/health/ready')).rejects.toThrow(/certificate/i);
  });

  it('redirects plain HTTP to HTTPS with the same path (308), without HSTS', async () => {
    const res = await plainRequest(caddy.httpPort, '/kiosk?lang=fr');
    expect(res.status).toBe(308);
    const location = new URL(String(res.headers.location));
    expect(location.protocol).toBe('https:');
    expect(location.hostname).toBe('localhost');
    expect(`${location.pathname}${location.search}`).toBe('/kiosk?lang=fr');
    // Caddy names the port only when it is not 443; compose publishes 443.
    expect(['', String(caddy.httpsPort)]).toContain(location.port);
    expect(res.headers['strict-transport-security']).toBeUndefined();
  });

  it("passes the app's HSTS through once: the proxy adds no second copy", async () => {
    const res = await request(client, '/health/live');
    expect(res.headerNames.filter((n) => n === 'strict-transport-security')).toHaveLength(1);
    expect(res.headers['strict-transport-security']).toBe('max-age=31536000; includeSubDomains');
  });

  it("production's Secure cookies work end to end: login, then refresh through the proxy", async () => {
    await t.adminToken(); // creates the admin
    const login = await request(client, '/api/v1/auth/login', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'admin', password: TEST_PASSWORD }),
    });
    expect(login.status, login.body).toBe(200);
    const setCookies = login.headers['set-cookie'] ?? [];
    expect(setCookies.length).toBeGreaterThanOrEqual(3);
    for (const c of setCookies) expect(c).toMatch(/;\s*Secure/i);
    const jar = setCookies.map((c) => c.split(';')[0]).join('; ');
    const csrf = /mq_csrf=([^;]+)/.exec(jar)?.[1] ?? '';
    const refresh = await request(client, '/api/v1/auth/refresh', {
      method: 'POST',
      headers: { cookie: jar, 'x-csrf-token': csrf },
    });
    expect(refresh.status, refresh.body).toBe(200);
    expect(JSON.parse(refresh.body)).toHaveProperty('accessToken');
  });
});

describe('through the proxy to the service', () => {
  it('an SSE event reaches a client over HTTP/2 at once, and the audit log has its real address', async () => {
    const department = await createDepartment(t, 'TLS');
    const kiosk = await createKiosk(t, [department.id]);
    const stream = await openH2Stream(client, `/api/v1/departments/${department.id}/events`, {
      accept: 'text/event-stream',
      authorization: `Bearer ${await t.adminToken()}`,
    });
    try {
      expect(stream.status, stream.text()).toBe(200);
      expect(stream.headers['content-type']).toMatch(/^text\/event-stream/);
      await stream.arrival(/event: snapshot/);

      const checkIn = await request(client, '/api/v1/checkins', {
        method: 'POST',
        headers: {
          authorization: `Bearer ${kiosk}`,
          'content-type': 'application/json',
          'idempotency-key': 'tls-proxy-check-in-1',
          'x-forwarded-for': SPOOFED,
        },
        body: JSON.stringify({ departmentId: department.id }),
      });
      expect(checkIn.status, checkIn.body).toBe(201);
      const answered = Date.now();
      const visitId = (JSON.parse(checkIn.body) as { visit: { id: string } }).visit.id;

      // Unbuffered: the ~1 KB event arrives in milliseconds. A buffering proxy would hold it
      // until its buffer filled (kilobytes of 15-second pings) or the stream ended.
      const arrived = await stream.arrival(
        new RegExp(`event: visit\\.checked_in[\\s\\S]*${visitId}`),
      );
      expect(arrived - answered).toBeLessThan(1000);

      const { rows } = await sql<{ ip: string | null }>`
        SELECT ip FROM audit_events WHERE entity_id = ${visitId}`.execute(t.handle.db);
      expect(rows.map((r) => r.ip)).toEqual([CLIENT_ADDRESS]);
    } finally {
      stream.close();
    }
  });

  it('serves a mounted certificate as it is (MEDIQUE_TLS="<certificate> <key>")', async () => {
    const issued = caddy.issuedCertificate('localhost');
    // Another Caddy with a data directory of its own: had it ignored the files, it would
    // have made a new CA, which the first one's root does not vouch for.
    const mounted = await startCaddy({
      upstreams: upstream,
      tls: `${issued.certPath} ${issued.keyPath}`,
      trust: () => client.ca,
    });
    try {
      const res = await request({ ...client, httpsPort: mounted.httpsPort }, '/health/ready');
      expect(res.status, mounted.output()).toBe(200);
      expect(res.certificate).toBe(pemFingerprint(issued.cert));
    } finally {
      await mounted.stop();
    }
  });
});

describe('compose wiring (docker-compose.yml; no Docker engine here to run it)', () => {
  interface Service {
    image?: string;
    ports?: string[];
    volumes?: string[];
    networks?: string[];
    environment?: Record<string, string>;
  }
  const compose = parse(readFileSync(path.resolve(serverDir, '../docker-compose.yml'), 'utf8')) as {
    services: Record<string, Service>;
    networks: { edge: { ipam: { config: { subnet: string }[] } } };
  };
  const edgeSubnet = compose.networks.edge.ipam.config[0]?.subnet ?? '';
  /** `${NAME:-default}` as compose resolves it when NAME is unset. */
  const byDefault = (value: string): string => /^\$\{\w+:-([^}]+)\}$/.exec(value)?.[1] ?? value;

  it('the proxy is Caddy with the shipped Caddyfile, on 80 and 443, on the edge network only', () => {
    const proxy = compose.services.proxy;
    expect(proxy?.image).toMatch(/^caddy:2\./);
    expect(proxy?.volumes).toContain('./deploy/Caddyfile:/etc/caddy/Caddyfile:ro');
    expect(proxy?.ports).toEqual(['80:80', '443:443']);
    expect(proxy?.networks).toEqual(['edge']);
  });

  it('every app instance is on the edge network and trusts X-Forwarded-For from it alone', () => {
    const apps = Object.entries(compose.services).filter(([name]) => /^app\d+$/.test(name));
    expect(apps.length).toBeGreaterThanOrEqual(2);
    for (const [name, app] of apps) {
      expect(app.networks, name).toContain('edge');
      expect(app.environment?.TRUST_PROXY, name).toBe(edgeSubnet);
    }
    const subnet = byDefault(edgeSubnet);
    expect(testConfig({ TRUST_PROXY: subnet }).trustProxy).toEqual([subnet]);
  });
});
