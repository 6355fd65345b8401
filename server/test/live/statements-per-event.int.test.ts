import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, checkIn, createDepartment, type TestApp, type VisitBody } from '../support/app.js';
import { startCountedApp, type CountedApp } from '../support/counted-app.js';
import { connectSse, type SseConnection } from '../support/sse-client.js';

/**
 * Issue 11: the database work an event costs does not grow with the number of screens.
 * The app talks to Postgres through a counting proxy; one call with 1 and with 200 open
 * ticket streams (every waiting patient's position moves) sends the same statements.
 */
const redisUrl = process.env.TEST_REDIS_URL ?? process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
let app: CountedApp;
let proxy: CountedApp['proxy'];
let t: TestApp;
let base: string;
let admin: string;

beforeAll(async () => {
  app = await startCountedApp({ REDIS_URL: redisUrl });
  ({ proxy, t, base, admin } = app);
});

afterAll(async () => {
  await app?.close();
});

/** A credential's lookup: on a timer (kept 5 s), not the event's work. */
const isCredentialLookup = (sql: string): boolean =>
  /\bfrom "?(users|devices|sessions|user_departments|device_departments)\b/i.test(sql);
const eventWork = (): Map<string, number> =>
  new Map([...proxy.counts.statements].filter(([sql]) => !isCredentialLookup(sql)));
const statements = (): number => [...eventWork().values()].reduce((a, b) => a + b, 0);

/** Opens `count` ticket streams over `visits`, then measures one call-next. */
const oneCall = async (code: string, count: number) => {
  const dep = await createDepartment(t, code);
  const visits: VisitBody[] = [];
  for (let i = 0; i < 200; i += 1) visits.push(await checkIn(t, admin, dep.id));
  const tokens = await Promise.all(
    visits.map(async (v) => {
      const res = await t.app.inject({
        method: 'GET',
        url: `/api/v1/visits/${v.id}`,
        headers: bearer(admin),
      });
      return res.json<{ visit: { publicToken: string } }>().visit.publicToken;
    }),
  );
  const streams: SseConnection[] = [];
  for (let i = 0; i < count; i += 1) {
    const s = await connectSse(`${base}/api/v1/tickets/${tokens[i % tokens.length] ?? ''}/events`);
    await s.until((f) => f.length >= 1);
    streams.push(s);
  }
  // The caller's credential is looked up once per few seconds: warm it, so the count
  // below is the event's work only.
  const warm = await t.app.inject({
    method: 'GET',
    url: `/api/v1/departments/${dep.id}/queue`,
    headers: bearer(admin),
  });
  expect(warm.statusCode).toBe(200);
  proxy.reset();
  const res = await t.app.inject({
    method: 'POST',
    url: `/api/v1/departments/${dep.id}/call-next`,
    headers: bearer(admin),
    payload: { roomId: dep.roomIds[0] ?? '' },
  });
  expect(res.statusCode).toBe(200);
  // Every screen shows the call: the first patient is called, everyone else moves up.
  await Promise.all(streams.map((s) => s.until((f) => f.length >= 2)));
  const counted = { statements: statements(), shapes: eventWork() };
  for (const s of streams) s.close();
  return counted;
};

describe('statements per event', () => {
  it('one call costs the same statements with 1 and with 200 open ticket streams', async () => {
    const one = await oneCall('SPEA', 1);
    const many = await oneCall('SPEB', 200);
    expect(Object.fromEntries(many.shapes)).toEqual(Object.fromEntries(one.shapes));
    expect(many.statements).toBe(one.statements);
    // The live side's own share: the priority streak after a call, one statement.
    const live = [...many.shapes].filter(([sql]) =>
      sql.startsWith('select "last_event_id", "priority_streak" from "department_counters"'),
    );
    expect(live).toEqual([[expect.any(String), 1]]);
    // And the call itself is the use case's own transaction, whatever is listening.
    expect(many.statements).toBeLessThanOrEqual(12);
  });
});
