import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshPostgres, type TestDatabase } from '../support/postgres.js';
import {
  bearer,
  checkIn,
  createDepartment,
  createKiosk,
  manualClock,
  startTestApp,
  testConfig,
  type TestApp,
  type VisitBody,
} from '../support/app.js';
import { expectProblem } from '../support/http-cases.js';

/**
 * Daily reports (SPEC "Reports", docs/api.md Admin → reports) against figures worked out by
 * hand. The clinic is in New York (UTC−5 in November), so local days and UTC days differ
 * by five hours: a visit checked in at 20:00 or 23:50 local time is on the next day in UTC
 * and must still count on the day it was checked in. Every visit is made through the real
 * API, each step at a chosen instant of the manual clock (the only clock the app reads).
 */
const TIME_ZONE = 'America/New_York';
/** A local wall-clock time in New York, EST (standard time from 1 to 30 November 2026). */
const local = (wallClock: string): Date => new Date(`${wallClock}:00-05:00`);

let db: TestDatabase;
let t: TestApp;
const clock = manualClock(local('2026-11-22T07:00'));

type Dep = { id: string; roomIds: string[] };
let depA: Dep;
let depB: Dep;
/** Inactive and never visited: left out unless asked for by id. */
let depC: Dep;
const visits: Record<string, VisitBody> = {};
let tokens: { receptionA: string; receptionB: string; doctorA: string; kiosk: string };
let board: string;

const admin = async (): Promise<Record<string, string>> => bearer(await t.adminToken());

const act = async (name: string, action: string, body: Record<string, unknown> = {}) => {
  const visit = visits[name];
  if (visit === undefined) throw new Error(`no visit ${name}`);
  const res = await t.app.inject({
    method: 'POST',
    url: `/api/v1/visits/${visit.id}/${action}`,
    headers: await admin(),
    payload: { version: visit.version, ...body },
  });
  if (res.statusCode !== 200) throw new Error(`${name} ${action}: ${res.statusCode} ${res.body}`);
  const json = res.json<{ visit: VisitBody; newVisit?: VisitBody }>();
  visits[name] = json.visit;
  if (json.newVisit !== undefined) visits[`${name}'`] = json.newVisit;
};

const arrive = (name: string, dep: () => Dep) => async () => {
  visits[name] = await checkIn(t, await t.adminToken(), dep().id);
};
const call =
  (name: string, dep: () => Dep, room = 0) =>
  () =>
    act(name, 'call', { roomId: dep().roomIds[room] });
const step = (name: string, action: string) => () => act(name, action);

/**
 * The visits, in the order they happen (local time). Hand-computed figures:
 *
 * A, 2026-11-23: V1–V6 = 6 visits; completed V1 V2 V5 V6 = 4; no-show V3; cancelled V4.
 *   Waits to the FIRST call: V1 10, V2 30 (recalled at 35: not counted), V3 20, V5 6,
 *   V6 25 (checked in 23:50, called 00:15) → [6, 10, 20, 25, 30]: median 20,
 *   p90 = 25 + 0.6 × (30 − 25) = 28. Services: V1 20, V2 10, V5 30, V6 15 →
 *   [10, 15, 20, 30]: median (15 + 20) / 2 = 17.5.
 * A, 2026-11-24: V7 V14 V8 V9 V10 = 5 visits; completed V7 V14 V8 = 3 (V14 was a no-show,
 *   requeued and seen: not a no-show); V9 still waiting; V10 transferred to B.
 *   Waits: V7 15 (returned to the queue, called again at 30: not counted), V14 10
 *   (called again at 40 after the requeue: not counted), V8 40 → [10, 15, 40]: median 15,
 *   p90 = 15 + 0.8 × (40 − 15) = 35. Services: V7 12, V14 10, V8 9 → median 10.
 * A, 2026-11-22 and 2026-11-25: V0 (23:59 local, the 23rd in UTC) and V12 (00:00 local),
 *   one visit each, never called.
 * B, 2026-11-23: V11, a no-show after a 3-minute wait. B, 2026-11-24: V10', the visit
 *   transferred in (waiting).
 */
const timeline = (): [string, () => Promise<void>][] => [
  ['2026-11-22T23:59', arrive('V0', () => depA)],
  ['2026-11-23T08:00', arrive('V1', () => depA)],
  ['2026-11-23T08:05', arrive('V2', () => depA)],
  ['2026-11-23T08:10', call('V1', () => depA)],
  ['2026-11-23T08:12', step('V1', 'start')],
  ['2026-11-23T08:32', step('V1', 'complete')],
  ['2026-11-23T08:35', call('V2', () => depA)],
  ['2026-11-23T08:40', step('V2', 'recall')],
  ['2026-11-23T08:45', step('V2', 'start')],
  ['2026-11-23T08:55', step('V2', 'complete')],
  ['2026-11-23T09:00', arrive('V3', () => depA)],
  ['2026-11-23T09:10', arrive('V4', () => depA)],
  ['2026-11-23T09:15', () => act('V4', 'cancel', { reason: 'left' })],
  ['2026-11-23T09:20', call('V3', () => depA, 1)],
  ['2026-11-23T09:30', step('V3', 'no-show')],
  ['2026-11-23T10:00', arrive('V11', () => depB)],
  ['2026-11-23T10:03', call('V11', () => depB)],
  ['2026-11-23T10:10', step('V11', 'no-show')],
  ['2026-11-23T20:00', arrive('V5', () => depA)],
  ['2026-11-23T20:06', call('V5', () => depA)],
  ['2026-11-23T20:10', step('V5', 'start')],
  ['2026-11-23T20:40', step('V5', 'complete')],
  ['2026-11-23T23:50', arrive('V6', () => depA)],
  ['2026-11-24T00:15', call('V6', () => depA)],
  ['2026-11-24T00:20', step('V6', 'start')],
  ['2026-11-24T00:30', arrive('V7', () => depA)],
  ['2026-11-24T00:35', step('V6', 'complete')],
  ['2026-11-24T00:45', call('V7', () => depA, 1)],
  ['2026-11-24T00:50', step('V7', 'return-to-queue')],
  ['2026-11-24T01:00', call('V7', () => depA, 1)],
  ['2026-11-24T01:02', step('V7', 'start')],
  ['2026-11-24T01:14', step('V7', 'complete')],
  ['2026-11-24T02:00', arrive('V14', () => depA)],
  ['2026-11-24T02:10', call('V14', () => depA)],
  ['2026-11-24T02:20', step('V14', 'no-show')],
  ['2026-11-24T02:25', step('V14', 'requeue')],
  ['2026-11-24T02:40', call('V14', () => depA)],
  ['2026-11-24T02:41', step('V14', 'start')],
  ['2026-11-24T02:51', step('V14', 'complete')],
  ['2026-11-24T07:00', arrive('V8', () => depA)],
  ['2026-11-24T07:30', arrive('V9', () => depA)],
  ['2026-11-24T07:40', call('V8', () => depA)],
  ['2026-11-24T07:41', step('V8', 'start')],
  ['2026-11-24T07:50', step('V8', 'complete')],
  ['2026-11-24T08:00', arrive('V10', () => depA)],
  ['2026-11-24T08:05', () => act('V10', 'transfer', { toDepartmentId: depB.id })],
  ['2026-11-25T00:00', arrive('V12', () => depA)],
];

beforeAll(async () => {
  db = await freshPostgres();
  t = await startTestApp(db.handle, {
    clock,
    config: testConfig({ CLINIC_TIMEZONE: TIME_ZONE }),
  });
  depA = await createDepartment(t, 'REPA', { rooms: ['A1', 'A2'] });
  depB = await createDepartment(t, 'REPB', { rooms: ['B1'] });
  depC = await createDepartment(t, 'REPC', { rooms: [] });
  const closed = await t.app.inject({
    method: 'DELETE',
    url: `/api/v1/admin/departments/${depC.id}`,
    headers: await admin(),
  });
  expect(closed.statusCode).toBe(204);

  let previous = 0;
  for (const [wallClock, run] of timeline()) {
    const at = local(wallClock);
    if (at.getTime() < previous) throw new Error(`timeline out of order at ${wallClock}`);
    previous = at.getTime();
    clock.set(at);
    await run();
  }

  // The report is read the week after; tokens are issued then (they last 15 minutes).
  clock.set(local('2026-11-30T09:00'));
  tokens = {
    receptionA: await t.tokenFor({
      username: 'rep-reception-a',
      role: 'reception',
      departmentIds: [depA.id],
    }),
    receptionB: await t.tokenFor({
      username: 'rep-reception-b',
      role: 'reception',
      departmentIds: [depB.id],
    }),
    doctorA: await t.tokenFor({
      username: 'rep-doctor-a',
      role: 'doctor',
      departmentIds: [depA.id],
    }),
    kiosk: await createKiosk(t, [depA.id]),
  };
  const created = await t.app.inject({
    method: 'POST',
    url: '/api/v1/admin/boards',
    headers: await admin(),
    payload: { name: 'Hall', departmentIds: [depA.id] },
  });
  board = created.json<{ token: string }>().token;
}, 120_000);

afterAll(async () => {
  await t?.close();
  await db?.drop();
});

interface Row {
  day: string;
  departmentId: string;
  visits: number;
  completed: number;
  noShows: number;
  cancelled: number;
  medianWaitMinutes: number | null;
  p90WaitMinutes: number | null;
  medianServiceMinutes: number | null;
}

const report = async (query: string, headers?: Record<string, string>) =>
  t.app.inject({
    method: 'GET',
    url: `/api/v1/reports/daily?${query}`,
    headers: headers ?? (await admin()),
  });
const daysOf = async (query: string, headers?: Record<string, string>): Promise<Row[]> => {
  const res = await report(query, headers);
  expect(res.statusCode, res.body).toBe(200);
  return res.json<{ days: Row[] }>().days;
};

const quiet = (day: string, departmentId: string): Row => ({
  day,
  departmentId,
  visits: 0,
  completed: 0,
  noShows: 0,
  cancelled: 0,
  medianWaitMinutes: null,
  p90WaitMinutes: null,
  medianServiceMinutes: null,
});
const waitingOnly = (day: string, departmentId: string): Row => ({
  ...quiet(day, departmentId),
  visits: 1,
});

/** Department A, as worked out by hand above. */
const a23 = (): Row => ({
  day: '2026-11-23',
  departmentId: depA.id,
  visits: 6,
  completed: 4,
  noShows: 1,
  cancelled: 1,
  medianWaitMinutes: 20,
  p90WaitMinutes: 28,
  medianServiceMinutes: 17.5,
});
const a24 = (): Row => ({
  day: '2026-11-24',
  departmentId: depA.id,
  visits: 5,
  completed: 3,
  noShows: 0,
  cancelled: 0,
  medianWaitMinutes: 15,
  p90WaitMinutes: 35,
  medianServiceMinutes: 10,
});
const b23 = (): Row => ({
  ...quiet('2026-11-23', depB.id),
  visits: 1,
  noShows: 1,
  medianWaitMinutes: 3,
  p90WaitMinutes: 3,
});

describe('figures (hand-computed, clinic in America/New_York)', () => {
  it('department A over its two service days', async () => {
    expect(await daysOf(`departmentId=${depA.id}&from=2026-11-23&to=2026-11-24`)).toEqual([
      a23(),
      a24(),
    ]);
  });

  it('days are local: 23:59 on the 22nd and midnight on the 25th are outside 23–24, inside 22–25', async () => {
    expect(await daysOf(`departmentId=${depA.id}&from=2026-11-22&to=2026-11-25`)).toEqual([
      waitingOnly('2026-11-22', depA.id),
      a23(),
      a24(),
      waitingOnly('2026-11-25', depA.id),
    ]);
  });

  it('a one-day report holds the visit checked in at 23:50 local time (04:50 UTC the next day)', async () => {
    const [day] = await daysOf(`departmentId=${depA.id}&from=2026-11-23&to=2026-11-23`);
    expect(day).toEqual(a23());
    // The same day the ticket was numbered in.
    expect((visits.V6 as VisitBody & { serviceDay: string }).serviceDay).toBe('2026-11-23');
  });

  it('without departmentId, an admin gets every active department, every day, by day then code', async () => {
    expect(await daysOf('from=2026-11-22&to=2026-11-25')).toEqual([
      waitingOnly('2026-11-22', depA.id),
      quiet('2026-11-22', depB.id),
      a23(),
      b23(),
      a24(),
      // The transferred visit counts in its new department, on the day it arrived there.
      waitingOnly('2026-11-24', depB.id),
      waitingOnly('2026-11-25', depA.id),
      quiet('2026-11-25', depB.id),
    ]);
  });

  it('an inactive department is reported when asked for by id (zeros, nulls)', async () => {
    expect(await daysOf(`departmentId=${depC.id}&from=2026-11-23&to=2026-11-24`)).toEqual([
      quiet('2026-11-23', depC.id),
      quiet('2026-11-24', depC.id),
    ]);
  });

  it('a day with no visits is a row of zeros and nulls, not a gap', async () => {
    expect(await daysOf(`departmentId=${depA.id}&from=2026-11-28&to=2026-11-29`)).toEqual([
      quiet('2026-11-28', depA.id),
      quiet('2026-11-29', depA.id),
    ]);
  });

  it('a full leap year is allowed (366 days) and gives one row per day', async () => {
    const days = await daysOf(`departmentId=${depA.id}&from=2028-01-01&to=2028-12-31`);
    expect(days).toHaveLength(366);
    expect(days[59]?.day).toBe('2028-02-29');
    expect(days.at(-1)?.day).toBe('2028-12-31');
  });
});

/** A minimal RFC 4180 reader (quoted cells, doubled quotes), to check what we write. */
const parseCsv = (text: string): string[][] => {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i += 1) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        cell += '"';
        i += 1;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(cell);
      cell = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
      i += 1;
    } else cell += c;
  }
  if (cell !== '' || row.length > 0) throw new Error('CSV does not end with CRLF');
  return rows;
};

const columns = [
  'day',
  'departmentId',
  'visits',
  'completed',
  'noShows',
  'cancelled',
  'medianWaitMinutes',
  'p90WaitMinutes',
  'medianServiceMinutes',
] as const;

describe('CSV (Accept: text/csv)', () => {
  const csv = async (query: string, accept = 'text/csv') =>
    report(query, { ...(await admin()), accept });

  it('department A, byte for byte', async () => {
    const res = await csv(`departmentId=${depA.id}&from=2026-11-23&to=2026-11-24`);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(res.headers['content-disposition']).toBe(
      'attachment; filename="daily-report-2026-11-23-2026-11-24.csv"',
    );
    expect(String(res.headers.vary)).toMatch(/accept/i);
    expect(res.body).toBe(
      `${columns.join(',')}\r\n` +
        `2026-11-23,${depA.id},6,4,1,1,20,28,17.5\r\n` +
        `2026-11-24,${depA.id},5,3,0,0,15,35,10\r\n`,
    );
  });

  it('matches the JSON, row for row and cell for cell (null = empty cell)', async () => {
    const query = 'from=2026-11-22&to=2026-11-26';
    const json = await daysOf(query);
    const res = await csv(query, 'text/csv, */*;q=0.1');
    expect(res.statusCode).toBe(200);
    const [header, ...rows] = parseCsv(res.body);
    expect(header).toEqual([...columns]);
    expect(rows).toEqual(
      json.map((row) => columns.map((c) => (row[c] === null ? '' : String(row[c])))),
    );
    expect(rows.length).toBe(10);
  });

  it('JSON stays the default: no Accept, */*, or JSON preferred', async () => {
    for (const accept of [
      undefined,
      '*/*',
      'application/json',
      'text/csv;q=0.5, application/json',
    ]) {
      const res = await report(`departmentId=${depA.id}&from=2026-11-23&to=2026-11-23`, {
        ...(await admin()),
        ...(accept !== undefined && { accept }),
      });
      expect(res.headers['content-type'], String(accept)).toMatch(/^application\/json/);
      expect(res.json<{ days: Row[] }>().days).toEqual([a23()]);
    }
  });

  it('an error is still a problem document when CSV was asked for', async () => {
    const res = await csv('from=2026-11-24&to=2026-11-23');
    expectProblem(res, 400, 'VALIDATION_FAILED', 'csv error');
  });
});

describe('who may read reports', () => {
  const query = () => `departmentId=${depA.id}&from=2026-11-23&to=2026-11-24`;

  it('reception reads its own department', async () => {
    expect(await daysOf(query(), bearer(tokens.receptionA))).toEqual([a23(), a24()]);
  });

  it('reception without departmentId gets only its own departments', async () => {
    const days = await daysOf('from=2026-11-23&to=2026-11-24', bearer(tokens.receptionA));
    expect(days).toEqual([a23(), a24()]);
    const other = await daysOf('from=2026-11-23&to=2026-11-24', bearer(tokens.receptionB));
    expect(other.map((d) => d.departmentId)).toEqual([depB.id, depB.id]);
  });

  it('reception of another department: 403, in JSON and in CSV', async () => {
    expectProblem(await report(query(), bearer(tokens.receptionB)), 403, 'FORBIDDEN', 'B on A');
    const res = await report(query(), { ...bearer(tokens.receptionB), accept: 'text/csv' });
    expectProblem(res, 403, 'FORBIDDEN', 'B on A, CSV');
    expect(res.body).not.toContain('day,departmentId');
  });

  it('doctors are refused, even in their own department', async () => {
    expectProblem(await report(query(), bearer(tokens.doctorA)), 403, 'FORBIDDEN', 'doctor');
    expectProblem(
      await report('from=2026-11-23&to=2026-11-24', bearer(tokens.doctorA)),
      403,
      'FORBIDDEN',
      'doctor, all',
    );
  });

  it('kiosks and boards are refused (403); no credential is a 401', async () => {
    expectProblem(await report(query(), bearer(tokens.kiosk)), 403, 'FORBIDDEN', 'kiosk');
    expectProblem(await report(query(), bearer(board)), 403, 'FORBIDDEN', 'board');
    expectProblem(await report(query(), {}), 401, 'UNAUTHENTICATED', 'anonymous');
  });

  it('an unknown department is a 404', async () => {
    expectProblem(
      await report(
        'departmentId=00000000-0000-4000-8000-000000000000&from=2026-11-23&to=2026-11-23',
      ),
      404,
      'NOT_FOUND',
      'unknown department',
    );
  });
});

describe('bad ranges: 400 naming the parameter', () => {
  it.each([
    ['from after to', 'from=2026-11-24&to=2026-11-23', 'querystring.from'],
    ['367 days', 'from=2027-01-01&to=2028-01-02', 'querystring.to'],
    ['no from', 'to=2026-11-23', 'querystring.from'],
    ['no to', 'from=2026-11-23', 'querystring.to'],
    ['30 February', 'from=2026-02-30&to=2026-03-01', 'querystring.from'],
    ['a datetime', 'from=2026-11-23T00:00:00Z&to=2026-11-24', 'querystring.from'],
    ['not a uuid', 'departmentId=A&from=2026-11-23&to=2026-11-24', 'querystring.departmentId'],
    ['an unknown parameter', 'from=2026-11-23&to=2026-11-24&format=xlsx', 'querystring'],
  ])('%s', async (_label, query, path) => {
    const body = expectProblem(await report(query), 400, 'VALIDATION_FAILED', query);
    const paths = (body.errors as { path: string }[]).map((e) => e.path);
    expect(
      paths.some((p) => p.startsWith(path)),
      JSON.stringify(body.errors),
    ).toBe(true);
  });
});
