import { randomBytes, randomUUID } from 'node:crypto';
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshPostgres, type TestDatabase } from '../support/postgres.js';
import {
  bearer,
  createDepartment,
  createKiosk,
  startTestApp,
  TEST_PASSWORD,
  type TestApp,
  type VisitBody,
} from '../support/app.js';
import {
  dbFingerprint,
  expectErrorsArray,
  expectProblem,
  registeredApiRoutes,
  uniqueCode,
  uniqueName,
  visitIn,
} from '../support/http-cases.js';

/**
 * SPEC "Security": bad input never yields a 500, every error is a problem document with a
 * stable code, and a refused request changes nothing. One battery per route that takes
 * input (docs/api.md), each checked against a fingerprint of the database taken before and after.
 */
let db: TestDatabase;
let t: TestApp;

interface Fixtures {
  admin: string;
  /** A reception user whose password the password-change battery aims at. */
  reception: string;
  kiosk: string;
  board: string;
  depA: { id: string; roomIds: string[] };
  depB: { id: string; roomIds: string[] };
  userId: string;
  kioskId: string;
  boardId: string;
  /** What the DELETE batteries aim at: one that got through would disturb no other case. */
  spare: { depId: string; roomId: string; userId: string; kioskId: string; boardId: string };
  /** A login (session family id) that only the DELETE session battery aims at. */
  spareSessionId: string;
  visits: Record<'waiting' | 'called' | 'inConsultation' | 'noShow', VisitBody>;
}
let f: Fixtures;

const adminCreate = async (url: string, payload: object): Promise<Record<string, unknown>> => {
  const res = await t.app.inject({ method: 'POST', url, headers: bearer(f.admin), payload });
  if (res.statusCode !== 201) throw new Error(`${url}: ${res.statusCode} ${res.body}`);
  return res.json();
};
const createdId = (body: Record<string, unknown>, key: string): string =>
  (body[key] as { id: string }).id;

beforeAll(async () => {
  db = await freshPostgres();
  t = await startTestApp(db.handle);
  f = { admin: await t.adminToken() } as Fixtures;
  f.depA = await createDepartment(t, 'BADA', { rooms: ['Room 1', 'Room 2', 'Spare'] });
  f.depB = await createDepartment(t, 'BADB');
  f.kiosk = await createKiosk(t, [f.depA.id]);
  f.reception = await t.tokenFor({
    username: 'bad-input-reception',
    role: 'reception',
    departmentIds: [f.depA.id],
  });
  const user = (payload: object) =>
    adminCreate('/api/v1/admin/users', {
      username: uniqueName('bad-input'),
      password: TEST_PASSWORD,
      role: 'reception',
      departmentIds: [f.depA.id],
      ...payload,
    });
  const device = (kind: 'kiosks' | 'boards') =>
    adminCreate(`/api/v1/admin/${kind}`, { name: 'Device', departmentIds: [f.depA.id] });
  f.userId = createdId(await user({}), 'user');
  f.kioskId = createdId(await device('kiosks'), 'kiosk');
  const board = await device('boards');
  f.boardId = createdId(board, 'board');
  f.board = board.token as string;
  f.spare = {
    depId: (await createDepartment(t, 'SPARE', { rooms: [] })).id,
    roomId: f.depA.roomIds[2] ?? '',
    userId: createdId(await user({}), 'user'),
    kioskId: createdId(await device('kiosks'), 'kiosk'),
    boardId: createdId(await device('boards'), 'board'),
  };
  const sessionUser = (await user({})) as { user: { username: string } };
  const login = await t.app.inject({
    method: 'POST',
    url: '/api/v1/auth/login',
    payload: { username: sessionUser.user.username, password: TEST_PASSWORD },
  });
  const accessToken = login.json<{ accessToken: string }>().accessToken;
  f.spareSessionId = (
    JSON.parse(Buffer.from(accessToken.split('.')[1] ?? '', 'base64url').toString()) as {
      sid: string;
    }
  ).sid;
  f.visits = {
    waiting: await visitIn(t, f.admin, f.depA, 'WAITING', 'Bad Input Patient'),
    called: await visitIn(t, f.admin, f.depA, 'CALLED'),
    inConsultation: await visitIn(t, f.admin, f.depA, 'IN_CONSULTATION'),
    noShow: await visitIn(t, f.admin, f.depA, 'NO_SHOW'),
  };
});

afterAll(async () => {
  await t?.close();
  await db?.drop();
});

// ---------------------------------------------------------------------------------------
// The route table. Values are thunks: fixtures exist only once beforeAll has run.

interface RouteEntry {
  /** As registered: `METHOD /api/v1/…/:param`. */
  route: string;
  /** Path parameter values, in the order they appear in the route. */
  params?: (() => string)[];
  /** A body that would succeed (so a check that lets bad input through shows up). */
  body?: () => Record<string, unknown>;
  /** Fields with the wrong JSON type, merged over the valid body. */
  wrongTypes?: Record<string, unknown>;
  /** Further bodies the schema (or the policy) must refuse with 400. */
  invalid?: Record<string, () => Record<string, unknown>>;
  /** Bodies naming well-formed ids of nothing: 404. */
  unknownIds?: Record<string, () => Record<string, unknown>>;
  /** The body may be left out altogether. */
  bodyOptional?: boolean;
  /** `?cursor=&limit=` list route. */
  list?: boolean;
  /** Further query strings the schema must refuse with 400. */
  queries?: Record<string, string>;
  /** Header sets the schema must refuse with 400. */
  badHeaders?: Record<string, Record<string, string>>;
  /** A well-formed id of nothing (default: a random uuid), and what it gets (default 404). */
  unknownParam?: () => string;
  unknownParamIs?: readonly [number, string];
  /** Takes no input at all: listed only so the table covers every route. */
  noInput?: boolean;
  /** Credential: admin (default), a reception user, the kiosk, the board, or none. */
  as?: 'admin' | 'reception' | 'kiosk' | 'board' | 'anonymous';
}

const visitRoute = (
  action: string,
  visit: keyof Fixtures['visits'],
  extra: Omit<RouteEntry, 'route' | 'params' | 'body'> & {
    body?: () => Record<string, unknown>;
  } = {},
): RouteEntry => ({
  route: `POST /api/v1/visits/:id/${action}`,
  params: [() => f.visits[visit].id],
  wrongTypes: { version: '1' },
  invalid: {
    'version 0': () => ({ version: 0 }),
    'version 1.5': () => ({ version: 1.5 }),
    'version null': () => ({ version: null }),
    'no version': () => ({}),
  },
  ...extra,
  body: extra.body ?? (() => ({ version: f.visits[visit].version })),
});

const adminDevice = (kind: 'kiosks' | 'boards'): RouteEntry[] => [
  { route: `GET /api/v1/admin/${kind}`, list: true },
  {
    route: `POST /api/v1/admin/${kind}`,
    body: () => ({ name: 'New device', departmentIds: [f.depA.id] }),
    wrongTypes: { name: 42, departmentIds: 'all of them' },
    invalid: {
      'no departments': () => ({ name: 'x', departmentIds: [] }),
      'a blank name': () => ({ name: '   ', departmentIds: [f.depA.id] }),
      'a department id that is not a uuid': () => ({ name: 'x', departmentIds: ['nope'] }),
      ...(kind === 'boards' && {
        'an unknown language': () => ({ name: 'x', departmentIds: [f.depA.id], language: 'xx' }),
      }),
    },
    unknownIds: { 'an unknown department': () => ({ name: 'x', departmentIds: [randomUUID()] }) },
  },
  {
    route: `PATCH /api/v1/admin/${kind}/:id`,
    params: [() => (kind === 'kiosks' ? f.kioskId : f.boardId)],
    body: () => ({ name: 'Renamed device' }),
    wrongTypes: { active: 'false', departmentIds: [42] },
    invalid: { 'no departments': () => ({ departmentIds: [] }) },
    unknownIds: { 'an unknown department': () => ({ departmentIds: [randomUUID()] }) },
  },
  {
    route: `DELETE /api/v1/admin/${kind}/:id`,
    params: [() => (kind === 'kiosks' ? f.spare.kioskId : f.spare.boardId)],
  },
];

const streamQueries = {
  'lastEventId=abc': 'lastEventId=abc',
  'lastEventId=-1': 'lastEventId=-1',
  'lastEventId=99999999999': 'lastEventId=99999999999',
};

const table: RouteEntry[] = [
  {
    route: 'POST /api/v1/auth/login',
    as: 'anonymous',
    body: () => ({ username: 'admin', password: TEST_PASSWORD }),
    wrongTypes: { username: 42, password: ['x'] },
    invalid: {
      'an empty username': () => ({ username: '', password: 'x' }),
      'no password': () => ({ username: 'admin' }),
    },
  },
  // Cookie-authenticated, no body: their CSRF and cookie checks are in access.int.test.ts.
  { route: 'POST /api/v1/auth/refresh', noInput: true },
  { route: 'POST /api/v1/auth/logout', noInput: true },
  {
    route: 'POST /api/v1/auth/password',
    as: 'reception',
    body: () => ({ currentPassword: TEST_PASSWORD, newPassword: 'An0ther-Long-Passw0rd!' }),
    wrongTypes: { currentPassword: 1, newPassword: ['x'] },
    invalid: {
      'no newPassword': () => ({ currentPassword: TEST_PASSWORD }),
      'an empty newPassword': () => ({ currentPassword: TEST_PASSWORD, newPassword: '' }),
      'a weak newPassword': () => ({ currentPassword: TEST_PASSWORD, newPassword: 'password' }),
    },
  },
  { route: 'GET /api/v1/me', noInput: true },
  { route: 'GET /api/v1/departments', noInput: true },
  { route: 'GET /api/v1/device', noInput: true },
  { route: 'GET /api/v1/departments/:id/queue', params: [() => f.depA.id] },
  {
    route: 'POST /api/v1/departments/:id/call-next',
    params: [() => f.depA.id],
    body: () => ({ roomId: f.depA.roomIds[1] }),
    wrongTypes: { roomId: 42 },
    invalid: { 'a roomId that is not a uuid': () => ({ roomId: 'room-1' }) },
    unknownIds: { 'an unknown room': () => ({ roomId: randomUUID() }) },
  },
  ...(['admin', 'kiosk'] as const).map((as): RouteEntry => ({
    route: 'POST /api/v1/checkins',
    as,
    body: () => ({ departmentId: f.depA.id, patient: { displayName: 'Awa D.' } }),
    wrongTypes: { departmentId: 42, priority: 1, patient: 'Awa' },
    invalid: {
      'an unknown priority': () => ({ departmentId: f.depA.id, priority: 'urgent' }),
      'an unknown patient field': () => ({
        departmentId: f.depA.id,
        patient: { displayName: 'Awa', nationalId: '123' },
      }),
      'an 81-character name': () => ({
        departmentId: f.depA.id,
        patient: { displayName: 'x'.repeat(81) },
      }),
      'a phone that is not one': () => ({
        departmentId: f.depA.id,
        patient: { phone: 'call me maybe' },
      }),
      'no departmentId': () => ({ patient: { displayName: 'Awa' } }),
    },
    unknownIds: { 'an unknown department': () => ({ departmentId: randomUUID() }) },
  })),
  { route: 'GET /api/v1/visits/:id', params: [() => f.visits.waiting.id] },
  visitRoute('call', 'waiting', {
    body: () => ({ version: f.visits.waiting.version, roomId: f.depA.roomIds[1] }),
    wrongTypes: { version: '1', roomId: 42 },
    unknownIds: { 'an unknown room': () => ({ version: 1, roomId: randomUUID() }) },
  }),
  visitRoute('recall', 'called'),
  visitRoute('start', 'called'),
  visitRoute('complete', 'inConsultation'),
  visitRoute('no-show', 'called'),
  visitRoute('return-to-queue', 'called'),
  visitRoute('requeue', 'noShow'),
  visitRoute('cancel', 'waiting', {
    body: () => ({ version: f.visits.waiting.version, reason: 'left' }),
    wrongTypes: { reason: 5 },
  }),
  visitRoute('transfer', 'waiting', {
    body: () => ({ version: f.visits.waiting.version, toDepartmentId: f.depB.id }),
    wrongTypes: { toDepartmentId: 7, priority: true },
    unknownIds: {
      'an unknown target department': () => ({ version: 1, toDepartmentId: randomUUID() }),
    },
  }),
  // Live streams and the public ticket. Every case here fails before a stream opens (a
  // request that got through would hang until the test times out).
  {
    route: 'POST /api/v1/stream-tickets',
    body: () => ({}),
    bodyOptional: true,
  },
  {
    route: 'GET /api/v1/departments/:id/events',
    params: [() => f.depA.id],
    queries: streamQueries,
    badHeaders: { 'Last-Event-ID: abc': { 'last-event-id': 'abc' } },
  },
  {
    route: 'GET /api/v1/boards/:boardId/events',
    as: 'board',
    params: [() => f.boardId],
    queries: streamQueries,
    // Another board's stream, or none at all: not this credential's.
    unknownParamIs: [403, 'FORBIDDEN'],
  },
  ...['', '/events'].map((suffix): RouteEntry => ({
    route: `GET /api/v1/tickets/:publicToken${suffix}`,
    as: 'anonymous',
    params: [() => (f.visits.waiting as VisitBody & { publicToken: string }).publicToken],
    unknownParam: () => randomBytes(20).toString('base64url'),
  })),
  {
    route: 'GET /api/v1/admin/audit',
    list: true,
    queries: {
      'from=yesterday': 'from=yesterday',
      'from after to': 'from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z',
      'visitId=not-a-uuid': 'visitId=not-a-uuid',
      'a 65-character actorId': `actorId=${'a'.repeat(65)}`,
      'an unknown filter': 'patientName=Awa',
    },
  },
  {
    route: 'GET /api/v1/reports/daily',
    queries: {
      'no from and to': 'departmentId=' + '00000000-0000-4000-8000-000000000000',
      'from=yesterday': 'from=yesterday&to=2026-01-01',
      'from after to': 'from=2026-02-01&to=2026-01-01',
      '367 days': 'from=2026-01-01&to=2027-01-02',
      'a month 13': 'from=2026-13-01&to=2026-13-02',
      'from given twice': 'from=2026-01-01&from=2026-01-02&to=2026-01-03',
      'departmentId=not-a-uuid': 'departmentId=not-a-uuid&from=2026-01-01&to=2026-01-02',
      'an unknown filter': 'from=2026-01-01&to=2026-01-02&patientName=Awa',
    },
  },
  { route: 'GET /api/v1/admin/users/:id/sessions', params: [() => f.userId] },
  { route: 'DELETE /api/v1/admin/sessions/:id', params: [() => f.spareSessionId] },
  { route: 'GET /api/v1/admin/departments', list: true },
  {
    route: 'POST /api/v1/admin/departments',
    body: () => ({ code: uniqueCode('N'), name: 'New department' }),
    wrongTypes: { code: 42, name: true, priorityBurst: '3' },
    invalid: {
      'a lower-case code': () => ({ code: 'abc', name: 'x' }),
      'priorityBurst 0': () => ({ code: 'ABCD', name: 'x', priorityBurst: 0 }),
      'an empty name': () => ({ code: 'ABCD', name: '' }),
    },
  },
  {
    route: 'PATCH /api/v1/admin/departments/:id',
    params: [() => f.depB.id],
    body: () => ({ name: 'Renamed' }),
    wrongTypes: { active: 'yes', maxWaitMinutes: '30' },
    invalid: { 'maxWaitMinutes 0': () => ({ maxWaitMinutes: 0 }) },
  },
  { route: 'DELETE /api/v1/admin/departments/:id', params: [() => f.spare.depId] },
  { route: 'GET /api/v1/admin/departments/:id/rooms', params: [() => f.depA.id], list: true },
  {
    route: 'POST /api/v1/admin/departments/:id/rooms',
    params: [() => f.depA.id],
    body: () => ({ name: 'New room' }),
    wrongTypes: { name: 42 },
    invalid: { 'an 81-character name': () => ({ name: 'x'.repeat(81) }) },
  },
  {
    route: 'PATCH /api/v1/admin/departments/:id/rooms/:roomId',
    params: [() => f.depA.id, () => f.depA.roomIds[1] ?? ''],
    body: () => ({ name: 'Renamed room' }),
    wrongTypes: { active: 'no' },
  },
  {
    route: 'DELETE /api/v1/admin/departments/:id/rooms/:roomId',
    params: [() => f.depA.id, () => f.spare.roomId],
  },
  { route: 'GET /api/v1/admin/users', list: true },
  {
    route: 'POST /api/v1/admin/users',
    body: () => ({
      username: uniqueName('new'),
      password: TEST_PASSWORD,
      role: 'doctor',
      departmentIds: [f.depA.id],
    }),
    wrongTypes: { username: 42, role: 1, departmentIds: 'all' },
    invalid: {
      'an unknown role': () => ({ username: 'kingdom', password: TEST_PASSWORD, role: 'king' }),
      'a weak password': () => ({ username: 'weakling', password: 'password', role: 'doctor' }),
      'a username with spaces': () => ({
        username: 'two words',
        password: TEST_PASSWORD,
        role: 'doctor',
      }),
    },
    unknownIds: {
      'an unknown department': () => ({
        username: uniqueName('ghost'),
        password: TEST_PASSWORD,
        role: 'doctor',
        departmentIds: [randomUUID()],
      }),
    },
  },
  {
    route: 'PATCH /api/v1/admin/users/:id',
    params: [() => f.userId],
    body: () => ({ role: 'doctor' }),
    wrongTypes: { active: 'false', departmentIds: [1] },
    invalid: { 'a weak password': () => ({ password: 'short' }) },
    unknownIds: { 'an unknown department': () => ({ departmentIds: [randomUUID()] }) },
  },
  { route: 'DELETE /api/v1/admin/users/:id', params: [() => f.spare.userId] },
  ...adminDevice('kiosks'),
  ...adminDevice('boards'),
];

// ---------------------------------------------------------------------------------------
// The cases each entry expands to.

interface Case {
  label: string;
  request: Omit<InjectOptions, 'method' | 'url'> & { url?: string };
  status: number;
  code: string;
  /** A schema failure: the body lists `errors`. */
  errors?: boolean;
}

const OVERSIZE = 'x'.repeat(70_000);
const badIds = {
  'not-a-uuid': 'not-a-uuid',
  '%00': '%00',
  '"; DROP TABLE visits': "'%3B%20DROP%20TABLE%20visits",
};
/** Refused by the router itself (maxParamLength, URI decoding), before any schema runs. */
const routerBadIds = { '300 characters': 'a'.repeat(300), 'a broken %-escape': '%zz' };
const craftedCursor = Buffer.from(
  JSON.stringify(['2026-01-01T00:00:00.000Z', '-'.repeat(36)]),
).toString('base64url');
const badQueries = {
  'limit=0': 'limit=0',
  'limit=abc': 'limit=abc',
  'limit=100000': 'limit=100000',
  'limit=1.5': 'limit=1.5',
  'limit given twice': 'limit=1&limit=2',
  'cursor=garbage': 'cursor=garbage',
  'a 600-character cursor': `cursor=${'x'.repeat(600)}`,
};

const json = (payload: string) => ({ headers: { 'content-type': 'application/json' }, payload });

const casesFor = (entry: RouteEntry): Case[] => {
  const [method] = entry.route.split(' ');
  const cases: Case[] = [];
  const valid = entry.body?.();
  const takesBody = method === 'POST' || method === 'PATCH' || method === 'DELETE';
  const invalid = (label: string, request: Case['request'], errors = true) =>
    cases.push({ label, request, status: 400, code: 'VALIDATION_FAILED', errors });

  if (takesBody) {
    // Transport: what arrives is not a JSON object of a sane size.
    invalid('malformed JSON', json('{bad'), false);
    invalid('a __proto__ key (prototype poisoning)', json('{"__proto__":{"admin":true}}'), false);
    cases.push({
      label: 'a body over 64 KiB',
      request: { payload: { ...valid, pad: OVERSIZE } },
      status: 413,
      code: 'PAYLOAD_TOO_LARGE',
    });
    for (const type of ['text/plain', 'application/x-www-form-urlencoded']) {
      cases.push({
        label: `a ${type} body`,
        request: { headers: { 'content-type': type }, payload: 'version=1&name=x' },
        status: 415,
        code: 'UNSUPPORTED_MEDIA_TYPE',
      });
    }
  }
  if (valid !== undefined) {
    invalid('an empty application/json body', json(''), false);
    if (entry.bodyOptional !== true) invalid('no body at all', {});
    invalid('JSON null', json('null'));
    invalid('a JSON array', json('[]'));
    invalid('a JSON string', json('"hello"'));
    invalid('an unknown field', { payload: { ...valid, extra: 1 } });
    if (entry.wrongTypes !== undefined) {
      invalid('wrong types', { payload: { ...valid, ...entry.wrongTypes } });
    }
    for (const [label, body] of Object.entries(entry.invalid ?? {})) {
      invalid(label, { payload: body() });
    }
    for (const [label, body] of Object.entries(entry.unknownIds ?? {})) {
      cases.push({ label, request: { payload: body() }, status: 404, code: 'NOT_FOUND' });
    }
  }
  const params = entry.params ?? [];
  params.forEach((_, position) => {
    const url = (bad: string) => urlOf(entry, position, bad);
    for (const [label, bad] of Object.entries(badIds)) {
      invalid(`param ${position + 1} ${label}`, { url: url(bad), payload: valid });
    }
    const [status, code] = entry.unknownParamIs ?? [404, 'NOT_FOUND'];
    cases.push({
      label: `param ${position + 1} a well-formed unknown id`,
      request: {
        url: url(entry.unknownParam?.() ?? randomUUID()),
        ...(valid !== undefined && { payload: valid }),
      },
      status,
      code,
    });
  });
  const queries = { ...(entry.list === true && badQueries), ...entry.queries };
  for (const [label, query] of Object.entries(queries)) {
    invalid(label, { url: `${urlOf(entry)}?${query}` });
  }
  for (const [label, headers] of Object.entries(entry.badHeaders ?? {})) {
    invalid(label, { headers });
  }
  return cases;
};

/** The route's path with its parameters filled in; `bad` replaces the one at `position`. */
const urlOf = (entry: RouteEntry, position = -1, bad = ''): string => {
  let i = 0;
  const path = entry.route.split(' ')[1] ?? '';
  return path.replace(/:[A-Za-z]+/g, () => {
    const value = i === position ? bad : (entry.params?.[i]?.() ?? '');
    i += 1;
    return value;
  });
};

let keys = 0;
const inject = (entry: RouteEntry, c: Case) => {
  const [method] = entry.route.split(' ') as [InjectOptions['method']];
  const headers: Record<string, string> = {
    ...(entry.as === 'reception' && bearer(f.reception)),
    ...(entry.as === 'kiosk' && bearer(f.kiosk)),
    ...(entry.as === 'board' && bearer(f.board)),
    ...((entry.as ?? 'admin') === 'admin' && bearer(f.admin)),
    ...(entry.route === 'POST /api/v1/checkins' && { 'idempotency-key': `bad-${(keys += 1)}` }),
    ...(c.request.headers as Record<string, string> | undefined),
  };
  return t.app.inject({ ...c.request, method, url: c.request.url ?? urlOf(entry), headers });
};

/** `status content-type code`, for a table of outcomes that diffs readably. */
const summary = (res: LightMyRequestResponse): string => {
  const type = String(res.headers['content-type'] ?? '').split(';')[0] ?? '';
  let code: unknown;
  try {
    code = res.json<{ code?: unknown }>().code;
  } catch {
    code = '(not JSON)';
  }
  return `${res.statusCode} ${type} ${String(code)}`;
};

const nameOf = (e: RouteEntry) => `${e.route}${e.as === undefined ? '' : ` as ${e.as}`}`;

// ---------------------------------------------------------------------------------------

describe('bad input', () => {
  it('the table covers every registered /api/v1 route, and only those', () => {
    const covered = [...new Set(table.map((e) => e.route))].sort();
    expect(covered).toEqual(registeredApiRoutes(t.app));
    for (const route of covered) {
      const [method, url] = route.split(' ') as [InjectOptions['method'] & string, string];
      expect(t.app.hasRoute({ method, url }), route).toBe(true);
    }
  });

  it.each(table.filter((e) => e.noInput !== true).map((e) => [nameOf(e), e] as const))(
    '%s: every bad request is a problem document, and changes nothing',
    async (_name, entry) => {
      const cases = casesFor(entry);
      expect(cases.length).toBeGreaterThan(0);
      const before = await dbFingerprint(t.handle.db);
      for (const c of cases) {
        const res = await inject(entry, c);
        const body = expectProblem(res, c.status, c.code, `${nameOf(entry)}: ${c.label}`);
        if (c.errors === true) expectErrorsArray(body, `${nameOf(entry)}: ${c.label}`);
        expect.soft(body.requestId, c.label).toBe(res.headers['x-request-id']);
      }
      expect(await dbFingerprint(t.handle.db)).toEqual(before);
    },
  );

  const withParams = table.filter((e) => (e.params ?? []).length > 0);
  it('ids the router refuses (over 200 characters, a broken %-escape) get problem details too', async () => {
    const before = await dbFingerprint(t.handle.db);
    const seen: string[] = [];
    const wanted: string[] = [];
    for (const entry of withParams) {
      for (const [label, bad] of Object.entries(routerBadIds)) {
        const res = await inject(entry, {
          label,
          request: { url: urlOf(entry, 0, bad), payload: entry.body?.() },
          status: 400,
          code: 'VALIDATION_FAILED',
        });
        const what = `${nameOf(entry)} with ${label}`;
        seen.push(`${what} → ${summary(res)}`);
        wanted.push(`${what} → 400 application/problem+json VALIDATION_FAILED`);
      }
    }
    expect(seen).toEqual(wanted);
    expect(await dbFingerprint(t.handle.db)).toEqual(before);
  });

  it('a cursor that decodes but holds no uuid is a 400 on every list, not a 500', async () => {
    const lists = table.filter((e) => e.list === true);
    const seen: string[] = [];
    for (const entry of lists) {
      const res = await t.app.inject({
        method: 'GET',
        url: `${urlOf(entry)}?cursor=${craftedCursor}`,
        headers: bearer(f.admin),
      });
      seen.push(`${nameOf(entry)} → ${summary(res)}`);
    }
    expect(seen).toEqual(
      lists.map((e) => `${nameOf(e)} → 400 application/problem+json VALIDATION_FAILED`),
    );
  });

  describe('POST /api/v1/checkins: Idempotency-Key', () => {
    const keyCases: Record<string, string | undefined> = {
      missing: undefined,
      empty: '',
      '256 characters': 'k'.repeat(256),
      'a tab inside': 'abc\tdef',
      'a control character (DEL) inside': 'abc\x7fdef',
      'a non-ASCII character': 'clé-1',
    };
    it.each(Object.entries(keyCases))(
      'a key that is %s: 400 VALIDATION_FAILED naming the header, nothing recorded',
      async (label, key) => {
        const before = await dbFingerprint(t.handle.db);
        for (const token of [f.admin, f.kiosk]) {
          const res = await t.app.inject({
            method: 'POST',
            url: '/api/v1/checkins',
            headers: { ...bearer(token), ...(key !== undefined && { 'idempotency-key': key }) },
            payload: { departmentId: f.depA.id },
          });
          const body = expectProblem(res, 400, 'VALIDATION_FAILED', `key ${label}`);
          expectErrorsArray(body, `key ${label}`);
          expect.soft(JSON.stringify(body.errors)).toMatch(/idempotency-key/i);
        }
        expect(await dbFingerprint(t.handle.db)).toEqual(before);
      },
    );

    it('a 255-character printable key is accepted (the boundary)', async () => {
      const res = await t.app.inject({
        method: 'POST',
        url: '/api/v1/checkins',
        headers: { ...bearer(f.kiosk), 'idempotency-key': '~'.repeat(255) },
        payload: { departmentId: f.depA.id },
      });
      expect(res.statusCode, res.body).toBe(201);
    });
  });

  it('malformed and empty JSON bodies are validation errors that name the body (docs/api.md: validation errors add errors)', async () => {
    for (const payload of ['{bad', '']) {
      const res = await t.app.inject({
        method: 'POST',
        url: '/api/v1/admin/departments',
        headers: { ...bearer(f.admin), 'content-type': 'application/json' },
        payload,
      });
      const body = expectProblem(res, 400, 'VALIDATION_FAILED', `payload ${payload}`);
      expectErrorsArray(body, `payload ${JSON.stringify(payload)}`);
    }
  });

  it('a patient name sent in a refused check-in is not echoed back', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/checkins',
      headers: { ...bearer(f.kiosk), 'idempotency-key': 'echo-1' },
      payload: { departmentId: 'nope', patient: { displayName: 'Zanele Secretname', x: 1 } },
    });
    expectProblem(res, 400, 'VALIDATION_FAILED', 'echo');
    expect(res.body).not.toContain('Secretname');
  });
});
