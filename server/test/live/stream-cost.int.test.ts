import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, checkIn, createDepartment, type TestApp } from '../support/app.js';
import { startCountedApp, type CountedApp } from '../support/counted-app.js';
import { connectSse, eventFrames } from '../support/sse-client.js';

/**
 * Issue 11, cheap streams: an event stream carries the headers a stream needs and none of
 * a document's, and opening one — or reading the queue — sends nothing to Postgres when the
 * department's live view is current and the credential was looked up moments ago.
 */
const redisUrl = process.env.TEST_REDIS_URL ?? process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const ORIGIN = 'https://screens.clinic.example';
let app: CountedApp;
let proxy: CountedApp['proxy'];
let t: TestApp;
let base: string;
let admin: string;

beforeAll(async () => {
  app = await startCountedApp({ REDIS_URL: redisUrl, CORS_ORIGINS: ORIGIN });
  ({ proxy, t, base, admin } = app);
});

afterAll(async () => {
  await app?.close();
});

const statements = (): string[] =>
  [...proxy.counts.statements].flatMap(([sql, n]) => Array<string>(n).fill(sql));
/** A credential's lookup (kept 5 s: on a slow machine one may lapse during the test). */
const isCredentialLookup = (sql: string): boolean =>
  /\bfrom "?(users|devices|sessions|user_departments|device_departments)\b/i.test(sql);

describe('what an event stream sends', () => {
  it('the stream headers and CORS, without the document security headers', async () => {
    const dep = await createDepartment(t, 'HDR');
    const sse = await connectSse(`${base}/api/v1/departments/${dep.id}/events`, {
      ...bearer(admin),
      origin: ORIGIN,
    });
    expect(sse.status).toBe(200);
    expect(sse.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    expect(sse.headers.get('cache-control')).toBe('no-cache');
    expect(sse.headers.get('x-accel-buffering')).toBe('no');
    expect(sse.headers.get('access-control-allow-origin')).toBe(ORIGIN);
    expect(sse.headers.get('x-request-id')).toBeTruthy();
    for (const name of [
      'content-security-policy',
      'x-frame-options',
      'strict-transport-security',
      'cross-origin-opener-policy',
      'x-content-type-options',
    ]) {
      expect(sse.headers.get(name), name).toBeNull();
    }
    // A page still gets them.
    const page = await fetch(`${base}/health/live`);
    expect(page.headers.get('content-security-policy')).toContain("default-src 'self'");
    sse.close();
  });
});

describe('no database round trip when the view is current and the credential cached', () => {
  it('opening department, ticket and board streams, resuming one, reading the queue and a ticket', async () => {
    const dep = await createDepartment(t, 'WARM');
    const visit = await checkIn(t, admin, dep.id);
    const { publicToken } = (
      await t.app.inject({
        method: 'GET',
        url: `/api/v1/visits/${visit.id}`,
        headers: bearer(admin),
      })
    ).json<{ visit: { publicToken: string } }>().visit;
    const created = await t.app.inject({
      method: 'POST',
      url: '/api/v1/admin/boards',
      headers: bearer(admin),
      payload: { name: 'Hall', departmentIds: [dep.id] },
    });
    const boardToken = created.json<{ token: string }>().token;
    const boardId = created.json<{ board: { id: string } }>().board.id;
    const departmentUrl = `${base}/api/v1/departments/${dep.id}/events`;
    const boardUrl = `${base}/api/v1/boards/${boardId}/events`;

    // Warm: the department's view is loaded, each credential looked up once.
    const first = await connectSse(departmentUrl, bearer(admin));
    await first.until((f) => f.length >= 1);
    const warmBoard = await connectSse(boardUrl, bearer(boardToken));
    await warmBoard.until((f) => f.length >= 1);
    await checkIn(t, admin, dep.id);
    await first.until((f) => eventFrames(f).length >= 1);
    const lastId = eventFrames(first.frames)[0]?.id ?? '';

    proxy.reset();
    const again = await connectSse(departmentUrl, bearer(admin));
    await again.until((f) => f.length >= 1);
    expect(again.frames[0]).toMatchObject({ event: 'snapshot', id: lastId });
    const resumed = await connectSse(departmentUrl, { ...bearer(admin), 'last-event-id': '1' });
    await resumed.until((f) => f.length >= 1);
    expect(resumed.frames.map((f) => f.id)).toEqual([lastId]);
    const ticket = await connectSse(`${base}/api/v1/tickets/${publicToken}/events`);
    await ticket.until((f) => f.length >= 1);
    expect(JSON.parse(ticket.frames[0]?.data ?? '{}')).toMatchObject({ position: 1 });
    const boardStream = await connectSse(boardUrl, bearer(boardToken));
    await boardStream.until((f) => f.length >= 1);
    const queue = await fetch(`${base}/api/v1/departments/${dep.id}/queue`, {
      headers: bearer(admin),
    });
    expect(queue.status).toBe(200);
    expect(((await queue.json()) as { lastEventId: number }).lastEventId).toBe(Number(lastId));
    const ticketGet = await fetch(`${base}/api/v1/tickets/${publicToken}`);
    expect(ticketGet.status).toBe(200);
    // Nothing per stream or per read; at most a lapsed credential looked up again (2 held).
    expect(statements().filter((sql) => !isCredentialLookup(sql))).toEqual([]);
    expect(statements().length).toBeLessThanOrEqual(4);

    for (const s of [first, warmBoard, again, resumed, ticket, boardStream]) s.close();
  });
});
