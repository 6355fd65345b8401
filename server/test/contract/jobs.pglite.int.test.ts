import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PgliteHandle } from '../../src/infrastructure/embedded/pglite-database.js';
import {
  bearer,
  createDepartment,
  createKiosk,
  listen,
  manualClock,
  startTestApp,
  testConfig,
  type TestApp,
  type VisitBody,
} from '../support/app.js';
import { jobRunCounts, noFailures, whereStored } from '../support/jobs.js';
import { freshPglite } from '../support/pglite.js';
import { connectSse, eventFrames } from '../support/sse-client.js';

/**
 * Embedded mode (PGlite, in-process bus) runs the same scheduled jobs in-process, through the
 * same runner, claims and SQL as on Postgres (issue 10, ADR 8).
 */
const clock = manualClock(new Date('2026-11-23T10:00:00Z'));
let handle: PgliteHandle;
let t: TestApp;
let base: string;

beforeAll(async () => {
  handle = await freshPglite();
  t = await startTestApp(handle, {
    clock,
    config: testConfig({ CLINIC_TIMEZONE: 'America/New_York', RETENTION_DAYS: '2' }),
  });
  base = await listen(t.app);
});

afterAll(async () => {
  await t?.close();
});

let keys = 0;
const arrive = async (kiosk: string, departmentId: string, displayName: string) => {
  const res = await t.app.inject({
    method: 'POST',
    url: '/api/v1/checkins',
    headers: { ...bearer(kiosk), 'idempotency-key': `embedded-${(keys += 1)}` },
    payload: { departmentId, patient: { displayName, phone: '+1 212 555 0199' } },
  });
  expect(res.statusCode).toBe(201);
  return res.json<{ visit: VisitBody }>().visit;
};

describe('scheduled jobs in embedded mode', () => {
  it('close-out cancels and streams, retention erases, each period once', async () => {
    const dep = await createDepartment(t, 'EMBED');
    const kiosk = await createKiosk(t, [dep.id]);
    const waiting = await arrive(kiosk, dep.id, 'Quintus Embeddedson');
    const called = await arrive(kiosk, dep.id, 'Quintus Embeddedson');
    const call = await t.app.inject({
      method: 'POST',
      url: `/api/v1/visits/${called.id}/call`,
      headers: bearer(await t.adminToken()),
      payload: { version: 1, roomId: dep.roomIds[0] },
    });
    expect(call.statusCode).toBe(200);

    // 00:30 in New York the next day.
    clock.set(new Date('2026-11-24T05:30:00Z'));
    const sse = await connectSse(
      `${base}/api/v1/departments/${dep.id}/events`,
      bearer(await t.adminToken()),
    );
    await sse.until((f) => f.length >= 1);
    const first = noFailures(await t.services.jobs.runDue());
    expect(first.map((o) => [o.job, o.outcome])).toEqual([
      ['close-out', 'ran'],
      ['retention', 'ran'],
      ['pruning', 'ran'],
    ]);
    await sse.until((f) => eventFrames(f).length >= 2);
    expect(eventFrames(sse.frames).map((f) => f.event)).toEqual([
      'visit.cancelled',
      'visit.cancelled',
    ]);
    sse.close();
    const { rows } = await sql<{ id: string; cancel_reason: string }>`
      SELECT id, cancel_reason FROM visits WHERE state = 'CANCELLED' ORDER BY id`.execute(
      handle.db,
    );
    expect(rows).toEqual(
      [waiting.id, called.id].sort().map((id) => ({ id, cancel_reason: 'day_closed' })),
    );
    expect(await t.services.jobs.runDue()).toEqual([]);

    // Two days and an hour after the check-ins, on the same instance.
    clock.set(new Date('2026-11-25T11:00:00Z'));
    expect(await whereStored(handle.db, 'Embeddedson')).toEqual([
      'visit_events.visit',
      'visits.display_name',
    ]);
    noFailures(await t.services.jobs.runDue());
    expect(await whereStored(handle.db, 'Embeddedson')).toEqual([]);
    expect(await whereStored(handle.db, '555 0199')).toEqual([]);
    expect(Object.values(await jobRunCounts(handle.db)).every((n) => n === 1)).toBe(true);
  });
});
