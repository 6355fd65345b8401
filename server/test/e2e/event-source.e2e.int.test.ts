import { existsSync } from 'node:fs';
import type { ServerResponse } from 'node:http';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
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

/**
 * End to end: a real browser EventSource (headless Debian Chromium driven by playwright-core,
 * see docs/testing.md) follows a department stream with a stream ticket, receives live events, and
 * resumes after a disconnect — both the way our web client must do it (`?lastEventId=` plus a
 * new ticket) and through the browser's own automatic reconnect with `Last-Event-ID`.
 *
 * Chromium is not downloaded by playwright: the Debian package is used (.ci/run installs it).
 * A missing browser fails this file on purpose; it must never skip silently.
 */
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
const redisUrl = process.env.TEST_REDIS_URL ?? process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const WAIT_MS = 8_000;

/** What the page records for one EventSource (kept on `globalThis.__streams[name]`). */
interface ReceivedEvent {
  type: string;
  lastEventId: string;
  data: { eventId?: number; type?: string; visit?: { seq: number }; lastEventId?: number };
}
interface BrowserStream {
  events: ReceivedEvent[];
  opens: number;
  /** readyState at each `error` event: 0 = reconnecting, 2 = closed for good. */
  errors: number[];
  readyState: number;
}
type PageGlobals = {
  __streams?: Record<string, BrowserStream>;
  __sources?: Record<string, EventSource>;
};

/** One department stream request as the server saw it. */
interface StreamRequest {
  url: string;
  lastEventIdHeader: string | undefined;
  res: ServerResponse;
}

let db: TestDatabase | undefined;
let t: TestApp | undefined;
let browser: Browser | undefined;
let base: string;
let admin: string;
const streamRequests: StreamRequest[] = [];
const contexts: BrowserContext[] = [];

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `Chromium not found at ${CHROMIUM}: install it (apt-get install -y chromium; .ci/run does) ` +
        'or point CHROMIUM_PATH at a Chromium/Chrome binary. This e2e test does not skip.',
    );
  }
  // Chromium starts while the database and app come up (afterAll closes it either way).
  const launching = chromium
    .launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS })
    .then((b) => {
      browser = b;
    });
  void launching.catch(() => undefined); // a launch failure is reported by the await below
  db = await freshPostgres();
  t = await startTestApp(db.handle, { config: testConfig({ REDIS_URL: redisUrl }) });
  base = await listen(t.app);
  admin = await t.adminToken();
  await launching;
  // Fastify stays the handler; this extra listener only records what reached the server.
  t.app.server.on('request', (req, res) => {
    if (req.url !== undefined && /^\/api\/v1\/departments\/[^/]+\/events/.test(req.url)) {
      const header = req.headers['last-event-id'];
      streamRequests.push({
        url: req.url,
        lastEventIdHeader: Array.isArray(header) ? header[0] : header,
        res,
      });
    }
  });
});

afterEach(async () => {
  for (const c of contexts.splice(0)) await c.close();
});

afterAll(async () => {
  await browser?.close();
  await t?.close();
  await db?.drop();
});

const app = (): TestApp => {
  if (t === undefined) throw new Error('app not started');
  return t;
};

/** A fresh browser context whose page sits on the API's origin (same-origin, no CORS needed). */
const openPage = async (): Promise<Page> => {
  if (browser === undefined) throw new Error('browser not launched');
  const context = await browser.newContext();
  contexts.push(context);
  const page = await context.newPage();
  const res = await page.goto(`${base}/health/live`);
  expect(res?.status()).toBe(200);
  return page;
};

/**
 * In the page: trade the admin token for a stream ticket, then open an EventSource on the
 * department stream (optionally with `?lastEventId=`) that records snapshot and check-in
 * events under `name`. Returns the ticket used.
 */
const openStream = (
  page: Page,
  name: string,
  departmentId: string,
  lastEventId: number | null = null,
): Promise<string> =>
  page.evaluate(
    async ({ name, departmentId, token, lastEventId }) => {
      const issued = await fetch('/api/v1/stream-tickets', {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: '{}',
      });
      if (issued.status !== 201) throw new Error(`stream ticket: ${issued.status}`);
      const { ticket } = (await issued.json()) as { ticket: string };
      const query = new URLSearchParams({ ticket });
      if (lastEventId !== null) query.set('lastEventId', String(lastEventId));
      const source = new EventSource(
        `/api/v1/departments/${departmentId}/events?${query.toString()}`,
      );
      const g = globalThis as unknown as PageGlobals;
      const stream: BrowserStream = { events: [], opens: 0, errors: [], readyState: 0 };
      (g.__streams ??= {})[name] = stream;
      (g.__sources ??= {})[name] = source;
      for (const type of ['snapshot', 'visit.checked_in']) {
        source.addEventListener(type, (e) => {
          const m = e as unknown as { data: string; lastEventId: string };
          stream.events.push({
            type,
            lastEventId: m.lastEventId,
            data: JSON.parse(m.data) as ReceivedEvent['data'],
          });
        });
      }
      source.addEventListener('open', () => {
        stream.opens += 1;
        stream.readyState = source.readyState;
      });
      source.addEventListener('error', () => {
        stream.errors.push(source.readyState);
        stream.readyState = source.readyState;
      });
      return ticket;
    },
    { name, departmentId, token: admin, lastEventId },
  );

const streamOf = (page: Page, name: string): Promise<BrowserStream> =>
  page.evaluate((name) => {
    const stream = (globalThis as unknown as PageGlobals).__streams?.[name];
    if (stream === undefined) throw new Error(`no stream ${name}`);
    return stream;
  }, name);

/** Waits in the page until the stream `name` has received an event with this id (and type). */
const waitForEvent = async (page: Page, name: string, id: number, type: string): Promise<void> => {
  await page.waitForFunction(
    ({ name, id, type }) =>
      (globalThis as unknown as PageGlobals).__streams?.[name]?.events.some(
        (e) => e.lastEventId === id && e.type === type,
      ) === true,
    { name, id: String(id), type },
    { timeout: WAIT_MS, polling: 50 },
  );
};

/** Waits in the page until the stream `name` has received its snapshot. */
const waitForSnapshot = async (page: Page, name: string): Promise<void> => {
  await page.waitForFunction(
    (name) =>
      (globalThis as unknown as PageGlobals).__streams?.[name]?.events.some(
        (e) => e.type === 'snapshot',
      ) === true,
    name,
    { timeout: WAIT_MS, polling: 50 },
  );
};

/** Waits in the page until the EventSource `name` reports this readyState. */
const waitForReadyState = async (page: Page, name: string, state: number): Promise<void> => {
  await page.waitForFunction(
    ({ name, state }) =>
      (globalThis as unknown as PageGlobals).__streams?.[name]?.readyState === state,
    { name, state },
    { timeout: WAIT_MS, polling: 50 },
  );
};

const closeStream = (page: Page, name: string): Promise<void> =>
  page.evaluate((name) => {
    (globalThis as unknown as PageGlobals).__sources?.[name]?.close();
  }, name);

/** The server side of the stream opened with `ticket`. */
const serverStreamFor = (ticket: string): StreamRequest => {
  const found = streamRequests.find((r) => r.url.includes(`ticket=${ticket}`));
  if (found === undefined) throw new Error(`the server never saw a stream for ticket ${ticket}`);
  return found;
};

const department = async (code: string) => {
  const dep = await createDepartment(app(), code);
  const kiosk = await createKiosk(app(), [dep.id]);
  return { dep, kiosk };
};

describe('a browser EventSource on the department stream', () => {
  it('gets the snapshot, then a live check-in with id = snapshot id + 1', async () => {
    const { dep, kiosk } = await department('LIVE');
    await checkIn(app(), kiosk, dep.id);
    const page = await openPage();
    await openStream(page, 'live', dep.id);
    await waitForSnapshot(page, 'live');
    const [snapshot] = (await streamOf(page, 'live')).events;
    expect(snapshot?.type).toBe('snapshot');
    const snapshotId = Number(snapshot?.lastEventId);
    expect(snapshotId).toBe(1);
    expect(snapshot?.data.lastEventId).toBe(snapshotId);

    const visit = await checkIn(app(), kiosk, dep.id, { displayName: 'Browser Patient' });
    await waitForEvent(page, 'live', snapshotId + 1, 'visit.checked_in');
    const stream = await streamOf(page, 'live');
    expect(stream.events.map((e) => [e.type, e.lastEventId])).toEqual([
      ['snapshot', String(snapshotId)],
      ['visit.checked_in', String(snapshotId + 1)],
    ]);
    expect(stream.events[1]?.data).toMatchObject({
      eventId: snapshotId + 1,
      type: 'visit.checked_in',
      visit: { seq: visit.seq },
    });
    expect(stream.opens).toBe(1);
    expect(stream.errors).toEqual([]);
    await closeStream(page, 'live');
  });

  it('after closing, a new EventSource with ?lastEventId and a new ticket gets exactly the missed events', async () => {
    const { dep, kiosk } = await department('RESUME');
    const page = await openPage();
    await openStream(page, 'first', dep.id);
    await waitForSnapshot(page, 'first');
    await checkIn(app(), kiosk, dep.id);
    const snapshotId = Number((await streamOf(page, 'first')).events[0]?.lastEventId);
    await waitForEvent(page, 'first', snapshotId + 1, 'visit.checked_in');
    const seen = snapshotId + 1;
    await closeStream(page, 'first');

    // Two check-ins while nobody listens.
    const missed = [await checkIn(app(), kiosk, dep.id), await checkIn(app(), kiosk, dep.id)];
    await openStream(page, 'resumed', dep.id, seen);
    await waitForEvent(page, 'resumed', seen + 2, 'visit.checked_in');
    // Nothing more may follow the missed events but what happens next: the next live event
    // is the bound, and everything before it must be exactly what was missed.
    const next = await checkIn(app(), kiosk, dep.id);
    await waitForEvent(page, 'resumed', seen + 3, 'visit.checked_in');
    const resumed = await streamOf(page, 'resumed');
    expect(resumed.events.map((e) => [e.type, e.lastEventId])).toEqual([
      ['visit.checked_in', String(seen + 1)],
      ['visit.checked_in', String(seen + 2)],
      ['visit.checked_in', String(seen + 3)],
    ]);
    expect(resumed.events.map((e) => e.data.visit?.seq)).toEqual(
      [...missed, next].map((v) => v.seq),
    );
    // The closed EventSource stayed closed and got nothing more.
    expect((await streamOf(page, 'first')).events).toHaveLength(2);
    await closeStream(page, 'resumed');
  });

  it("when the server ends the stream, the browser's own reconnect re-sends the spent ticket: 401, closed for good", async () => {
    // Documents why the web client must reopen with a new ticket and ?lastEventId itself.
    const { dep, kiosk } = await department('ENDED');
    const page = await openPage();
    const ticket = await openStream(page, 'ended', dep.id);
    await waitForSnapshot(page, 'ended');
    await checkIn(app(), kiosk, dep.id);
    await waitForEvent(page, 'ended', 1, 'visit.checked_in');
    const before = streamRequests.length;
    const refused = page.waitForResponse(
      (r) => r.url().includes(`ticket=${ticket}`) && r.status() !== 200,
      { timeout: WAIT_MS },
    );
    serverStreamFor(ticket).res.end();
    expect((await refused).status()).toBe(401);
    await waitForReadyState(page, 'ended', 2);
    const reconnects = streamRequests.slice(before);
    expect(reconnects.map((r) => r.lastEventIdHeader)).toEqual(['1']);
    expect(reconnects[0]?.url).toContain(`ticket=${ticket}`);
    const stream = await streamOf(page, 'ended');
    expect(stream.errors).toEqual([0, 2]); // reconnecting, then given up
    expect(stream.opens).toBe(1);
  });

  it('the automatic reconnect sends Last-Event-ID and gets exactly the missed events (fresh ticket swapped in)', async () => {
    // The browser reconnects by itself with Last-Event-ID but re-uses the URL, i.e. the
    // spent ticket. The page route stands in for "the reconnect is authorised": it holds
    // the reconnect, makes two check-ins while the browser is disconnected, then lets the
    // request through with a new ticket. Everything else is the browser's own behaviour.
    const { dep, kiosk } = await department('AUTO');
    const page = await openPage();
    const used = new Set<string>();
    let missed: number[] = [];
    let routeError: unknown;
    await page.route(/\/api\/v1\/departments\/[^/]+\/events/, async (route) => {
      const url = new URL(route.request().url());
      const ticket = url.searchParams.get('ticket') ?? '';
      if (!used.has(ticket)) {
        used.add(ticket);
        await route.continue();
        return;
      }
      try {
        missed = [
          (await checkIn(app(), kiosk, dep.id)).seq,
          (await checkIn(app(), kiosk, dep.id)).seq,
        ];
        const issued = await app().app.inject({
          method: 'POST',
          url: '/api/v1/stream-tickets',
          headers: bearer(admin),
          payload: {},
        });
        if (issued.statusCode !== 201) throw new Error(`stream ticket: ${issued.statusCode}`);
        const fresh = issued.json<{ ticket: string }>().ticket;
        used.add(fresh);
        url.searchParams.set('ticket', fresh);
        await route.continue({ url: url.toString() });
      } catch (err) {
        routeError = err;
        await route.abort();
      }
    });

    const ticket = await openStream(page, 'auto', dep.id);
    await waitForSnapshot(page, 'auto');
    await checkIn(app(), kiosk, dep.id);
    await waitForEvent(page, 'auto', 1, 'visit.checked_in');
    const before = streamRequests.length;
    serverStreamFor(ticket).res.end(); // the server ends the stream (e.g. a deploy, preClose)

    await waitForEvent(page, 'auto', 3, 'visit.checked_in');
    // The next live event is the bound: nothing else may come before it.
    await checkIn(app(), kiosk, dep.id);
    await waitForEvent(page, 'auto', 4, 'visit.checked_in');
    expect(routeError).toBeUndefined();
    const stream = await streamOf(page, 'auto');
    expect(stream.events.map((e) => [e.type, e.lastEventId])).toEqual([
      ['snapshot', '0'],
      ['visit.checked_in', '1'],
      ['visit.checked_in', '2'],
      ['visit.checked_in', '3'],
      ['visit.checked_in', '4'],
    ]);
    expect(stream.events.slice(2, 4).map((e) => e.data.visit?.seq)).toEqual(missed);
    expect(stream.opens).toBe(2); // one EventSource, reopened by the browser
    expect(stream.errors).toEqual([0]);
    // What the server received on the reconnect: the browser's own Last-Event-ID header.
    const reconnects = streamRequests.slice(before);
    expect(reconnects).toHaveLength(1);
    expect(reconnects[0]?.lastEventIdHeader).toBe('1');
    expect(reconnects[0]?.url).not.toContain('lastEventId=');
    await closeStream(page, 'auto');
  });
});
