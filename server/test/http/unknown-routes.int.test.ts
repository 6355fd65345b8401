import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  bearer,
  createDepartment,
  createKiosk,
  startTestApp,
  type TestApp,
} from '../support/app.js';
import { freshPostgres, type TestDatabase } from '../support/postgres.js';

/**
 * A path no route serves is 404 NOT_FOUND for every caller, before authentication (an
 * anonymous caller learns nothing an admin would not); the web app's routes answer its
 * index.html (deep links survive a reload), and an unknown page gets index.html with 404.
 */
let db: TestDatabase;
let t: TestApp;
let webDir: string;
const INDEX = '<!doctype html><title>MediQue test app</title><div id="root"></div>';

beforeAll(async () => {
  webDir = await mkdtemp(path.join(tmpdir(), 'mediqueue-web-'));
  await writeFile(path.join(webDir, 'index.html'), INDEX);
  db = await freshPostgres();
  t = await startTestApp(db.handle, { webDistDir: webDir });
});

afterAll(async () => {
  await t.close();
  await db.drop();
  await rm(webDir, { recursive: true, force: true });
});

describe('unknown routes', () => {
  it('answer 404 NOT_FOUND problem+json to anonymous, kiosk, doctor and admin callers alike', async () => {
    const dep = await createDepartment(t, 'UNKN');
    const callers: Record<string, Record<string, string>> = {
      anonymous: {},
      kiosk: bearer(await createKiosk(t, [dep.id])),
      doctor: bearer(await t.tokenFor({ username: 'unknown-doc', role: 'doctor' })),
      admin: bearer(await t.adminToken()),
      'forged token': bearer('not-a-real-token'),
    };
    const paths = [
      ['GET', '/api/v1/nothing-here'],
      ['POST', '/api/v1/admin/nothing'],
      ['GET', '/api/v2/departments'],
      ['DELETE', '/api/v1/departments'],
      ['GET', '/api'],
    ] as const;
    for (const [who, headers] of Object.entries(callers)) {
      for (const [method, url] of paths) {
        const res = await t.app.inject({ method, url, headers });
        expect(res.statusCode, `${who} ${method} ${url}`).toBe(404);
        expect(res.headers['content-type']).toContain('application/problem+json');
        expect(res.json()).toMatchObject({ code: 'NOT_FOUND', status: 404 });
      }
    }
  });
});

describe('the web app', () => {
  it.each(['/kiosk', '/login', '/dashboard', '/admin', '/admin/users', '/board/b1', '/t/abc'])(
    'deep link %s gets index.html (200)',
    async (url) => {
      const res = await t.app.inject({ method: 'GET', url });
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toContain('text/html');
      expect(res.body).toBe(INDEX);
    },
  );

  it('an unknown page gets index.html with 404 (the app shows "not found"), an API path a problem', async () => {
    const page = await t.app.inject({ method: 'GET', url: '/no/such/page' });
    expect(page.statusCode).toBe(404);
    expect(page.headers['content-type']).toContain('text/html');
    expect(page.body).toBe(INDEX);
    for (const url of ['/api/v1/nope', '/health/nope', '/metrics/nope']) {
      const api = await t.app.inject({ method: 'GET', url });
      expect(api.statusCode).toBe(404);
      expect(api.headers['content-type']).toContain('application/problem+json');
    }
    const post = await t.app.inject({ method: 'POST', url: '/no/such/page' });
    expect(post.headers['content-type']).toContain('application/problem+json');
  });
});
