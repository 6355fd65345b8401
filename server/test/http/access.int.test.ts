import { createHmac, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshPostgres, type TestDatabase } from '../support/postgres.js';
import {
  bearer,
  createDepartment,
  listen,
  startTestApp,
  TEST_JWT_SECRET,
  TEST_PASSWORD,
  type TestApp,
} from '../support/app.js';
import {
  dbFingerprint,
  expectProblem,
  type HttpResult,
  registeredApiRoutes,
  uniqueCode,
  uniqueName,
  visitIn,
  type VisitState,
} from '../support/http-cases.js';

/**
 * Who may call what (docs/api.md; SPEC "Security"): roles, department scope, device credentials,
 * and credentials that must not work. Every case that should succeed is given a state in
 * which it can, and so is every case that should be refused: a missing check then shows
 * as a success, not as some other error.
 */
let db: TestDatabase;
let t: TestApp;
/** Streams are reached over real HTTP: an open SSE response never ends for inject(). */
let base: string;

type Role = 'admin' | 'reception' | 'doctor' | 'kiosk' | 'board';
interface Actor {
  name: string;
  role: Role;
  /** Assigned to department A, where every scoped case happens. */
  inScope: boolean;
  token: () => string;
}

interface Fixtures {
  admin: string;
  adminId: string;
  depA: { id: string; roomIds: string[] };
  depB: { id: string; roomIds: string[] };
  /** For admin edits that must not disturb A and B. */
  depX: { id: string; roomIds: string[] };
  tokens: Record<string, string>;
  ids: { user: string; kiosk: string; board: string; boardA: string };
}
let f: Fixtures;

/** A name that must never appear in a refusal. */
const PATIENT = 'Zanele Secretname';

const adminCreate = async (url: string, payload: object): Promise<Record<string, unknown>> => {
  const res = await t.app.inject({ method: 'POST', url, headers: bearer(f.admin), payload });
  if (res.statusCode !== 201) throw new Error(`${url}: ${res.statusCode} ${res.body}`);
  return res.json();
};
const newUser = async (departmentIds: string[], role = 'reception') =>
  (
    (await adminCreate('/api/v1/admin/users', {
      username: uniqueName('acc'),
      password: TEST_PASSWORD,
      role,
      departmentIds,
    })) as { user: { id: string; username: string } }
  ).user;
const newDevice = async (kind: 'kiosks' | 'boards', departmentIds: string[]) => {
  const body = await adminCreate(`/api/v1/admin/${kind}`, { name: 'Device', departmentIds });
  return { id: (body[kind.slice(0, -1)] as { id: string }).id, token: body.token as string };
};
const login = async (username: string): Promise<string> => {
  const res = await t.app.inject({
    method: 'POST',
    url: '/api/v1/auth/login',
    payload: { username, password: TEST_PASSWORD },
  });
  if (res.statusCode !== 200) throw new Error(`login ${username}: ${res.body}`);
  return res.json<{ accessToken: string }>().accessToken;
};

beforeAll(async () => {
  db = await freshPostgres();
  t = await startTestApp(db.handle);
  base = await listen(t.app);
  const admin = await t.adminToken();
  f = { admin } as Fixtures;
  const me = await t.app.inject({ method: 'GET', url: '/api/v1/me', headers: bearer(admin) });
  f.adminId = me.json<{ id: string }>().id;
  f.depA = await createDepartment(t, 'ACCA', { rooms: ['A1', 'A2'] });
  f.depB = await createDepartment(t, 'ACCB', { rooms: ['B1'] });
  f.depX = await createDepartment(t, 'ACCX', { rooms: ['X1'] });
  const staff = (username: string, role: 'reception' | 'doctor', dep: string) =>
    t.tokenFor({ username, role, departmentIds: [dep] });
  f.tokens = {
    receptionA: await staff('acc-reception-a', 'reception', f.depA.id),
    receptionB: await staff('acc-reception-b', 'reception', f.depB.id),
    doctorA: await staff('acc-doctor-a', 'doctor', f.depA.id),
    doctorB: await staff('acc-doctor-b', 'doctor', f.depB.id),
    kioskA: (await newDevice('kiosks', [f.depA.id])).token,
    kioskB: (await newDevice('kiosks', [f.depB.id])).token,
  };
  const boardA = await newDevice('boards', [f.depA.id]);
  f.tokens.boardA = boardA.token;
  f.ids = {
    boardA: boardA.id,
    user: (await newUser([f.depX.id])).id,
    kiosk: (await newDevice('kiosks', [f.depX.id])).id,
    board: (await newDevice('boards', [f.depX.id])).id,
  };
});

afterAll(async () => {
  await t?.close();
  await db?.drop();
});

const actors: Actor[] = [
  { name: 'admin', role: 'admin', inScope: true, token: () => f.admin },
  { name: 'reception of A', role: 'reception', inScope: true, token: () => f.tokens.receptionA! },
  { name: 'reception of B', role: 'reception', inScope: false, token: () => f.tokens.receptionB! },
  { name: 'doctor of A', role: 'doctor', inScope: true, token: () => f.tokens.doctorA! },
  { name: 'doctor of B', role: 'doctor', inScope: false, token: () => f.tokens.doctorB! },
  { name: 'kiosk of A', role: 'kiosk', inScope: true, token: () => f.tokens.kioskA! },
  { name: 'kiosk of B', role: 'kiosk', inScope: false, token: () => f.tokens.kioskB! },
  { name: 'board of A', role: 'board', inScope: true, token: () => f.tokens.boardA! },
];

// ---------------------------------------------------------------------------------------
// The route table (docs/api.md "who" columns).

interface Prepared {
  url: string;
  body?: Record<string, unknown>;
  headers?: Record<string, string>;
}
interface AccessEntry {
  route: string;
  allowed: readonly Role[];
  /** Refused (403) to staff and devices not assigned to the department it acts on (A). */
  scoped?: boolean;
  public?: boolean;
  /** An SSE stream: sent over real HTTP, success is a 200 text/event-stream. */
  stream?: boolean;
  /** Must never carry patient data, whoever asks. */
  phiFree?: boolean;
  /** It changes the caller's own account: staff call it as a fresh user of their role. */
  freshActor?: boolean;
  success: number;
  /** A fresh request this route can succeed with. */
  prepare: () => Promise<Prepared>;
}

const STAFF = ['admin', 'reception', 'doctor'] as const;
const ADMIN = ['admin'] as const;
const at = (url: string, body?: Record<string, unknown>) => async (): Promise<Prepared> => ({
  url,
  ...(body !== undefined && { body }),
});

const visitAction = (
  action: string,
  state: VisitState,
  allowed: readonly Role[],
  extra: () => Record<string, unknown> = () => ({}),
): AccessEntry => ({
  route: `POST /api/v1/visits/:id/${action}`,
  allowed,
  scoped: true,
  success: 200,
  prepare: async () => {
    const v = await visitIn(t, f.admin, f.depA, state, PATIENT);
    return { url: `/api/v1/visits/${v.id}/${action}`, body: { version: v.version, ...extra() } };
  },
});

/** Admin CRUD over one collection: list, create, update, deactivate. */
const adminCrud = (
  path: string,
  create: () => Record<string, unknown>,
  existing: () => Promise<string>,
  fresh: () => Promise<string>,
  patch: () => Record<string, unknown>,
): AccessEntry[] => {
  const base = `/api/v1/admin/${path}`;
  const url = () => base.replace(':id', f.depX.id);
  const leaf = path.endsWith('rooms') ? ':roomId' : ':id';
  return [
    { route: `GET ${base}`, allowed: ADMIN, success: 200, prepare: async () => ({ url: url() }) },
    {
      route: `POST ${base}`,
      allowed: ADMIN,
      success: 201,
      prepare: async () => ({ url: url(), body: create() }),
    },
    {
      route: `PATCH ${base}/${leaf}`,
      allowed: ADMIN,
      success: 200,
      prepare: async () => ({ url: `${url()}/${await existing()}`, body: patch() }),
    },
    {
      route: `DELETE ${base}/${leaf}`,
      allowed: ADMIN,
      success: 204,
      prepare: async () => ({ url: `${url()}/${await fresh()}` }),
    },
  ];
};

const newRoom = async () =>
  (
    (await adminCreate(`/api/v1/admin/departments/${f.depX.id}/rooms`, {
      name: uniqueName('Room'),
    })) as {
      room: { id: string };
    }
  ).room.id;

let keys = 0;
const checkinEntry: AccessEntry = {
  route: 'POST /api/v1/checkins',
  allowed: ['admin', 'reception', 'kiosk'],
  scoped: true,
  success: 201,
  prepare: async () => ({
    url: '/api/v1/checkins',
    headers: { 'idempotency-key': `access-${(keys += 1)}` },
    body: { departmentId: f.depA.id, patient: { displayName: PATIENT } },
  }),
};

/** A fresh user's login: the refresh cookie, the CSRF cookie and its header. */
const freshSession = (url: string) => async (): Promise<Prepared> => {
  const user = await newUser([f.depA.id]);
  const res = await t.app.inject({
    method: 'POST',
    url: '/api/v1/auth/login',
    payload: { username: user.username, password: TEST_PASSWORD },
  });
  if (res.statusCode !== 200) throw new Error(`login: ${res.body}`);
  const cookies = res.cookies as { name: string; value: string }[];
  return {
    url,
    headers: {
      cookie: cookies.map((c) => `${c.name}=${c.value}`).join('; '),
      'x-csrf-token': cookies.find((c) => c.name === 'mq_csrf')?.value ?? '',
    },
  };
};

const table: AccessEntry[] = [
  {
    route: 'POST /api/v1/auth/login',
    allowed: [...STAFF, 'kiosk', 'board'],
    public: true,
    success: 200,
    prepare: at('/api/v1/auth/login', { username: 'acc-doctor-a', password: TEST_PASSWORD }),
  },
  // Cookie + CSRF, whatever bearer comes along (docs/api.md Auth).
  {
    route: 'POST /api/v1/auth/refresh',
    allowed: [...STAFF, 'kiosk', 'board'],
    public: true,
    success: 200,
    prepare: freshSession('/api/v1/auth/refresh'),
  },
  {
    route: 'POST /api/v1/auth/logout',
    allowed: [...STAFF, 'kiosk', 'board'],
    public: true,
    success: 204,
    prepare: freshSession('/api/v1/auth/logout'),
  },
  {
    route: 'POST /api/v1/auth/password',
    allowed: STAFF,
    freshActor: true,
    success: 204,
    prepare: at('/api/v1/auth/password', {
      currentPassword: TEST_PASSWORD,
      newPassword: 'An0ther-Long-Passw0rd!',
    }),
  },
  { route: 'GET /api/v1/me', allowed: STAFF, success: 200, prepare: at('/api/v1/me') },
  {
    route: 'GET /api/v1/departments',
    allowed: [...STAFF, 'kiosk', 'board'],
    success: 200,
    prepare: at('/api/v1/departments'),
  },
  {
    route: 'GET /api/v1/device',
    allowed: ['kiosk', 'board'],
    success: 200,
    prepare: at('/api/v1/device'),
  },
  {
    route: 'GET /api/v1/departments/:id/queue',
    allowed: STAFF,
    scoped: true,
    success: 200,
    prepare: async () => ({ url: `/api/v1/departments/${f.depA.id}/queue` }),
  },
  {
    route: 'POST /api/v1/departments/:id/call-next',
    allowed: STAFF,
    scoped: true,
    success: 200,
    prepare: async () => {
      await visitIn(t, f.admin, f.depA, 'WAITING', PATIENT);
      return {
        url: `/api/v1/departments/${f.depA.id}/call-next`,
        body: { roomId: f.depA.roomIds[0] },
      };
    },
  },
  checkinEntry,
  {
    route: 'GET /api/v1/visits/:id',
    allowed: STAFF,
    scoped: true,
    success: 200,
    prepare: async () => {
      const v = await visitIn(t, f.admin, f.depA, 'WAITING', PATIENT);
      return { url: `/api/v1/visits/${v.id}` };
    },
  },
  visitAction('call', 'WAITING', STAFF, () => ({ roomId: f.depA.roomIds[1] })),
  visitAction('recall', 'CALLED', STAFF),
  visitAction('start', 'CALLED', ['doctor', 'admin']),
  visitAction('complete', 'IN_CONSULTATION', ['doctor', 'admin']),
  visitAction('no-show', 'CALLED', STAFF),
  visitAction('return-to-queue', 'CALLED', STAFF),
  visitAction('requeue', 'NO_SHOW', ['reception', 'admin']),
  visitAction('cancel', 'WAITING', ['reception', 'admin'], () => ({ reason: 'left' })),
  // A referral may go to a department the caller does not work in; the source is scoped.
  visitAction('transfer', 'WAITING', STAFF, () => ({ toDepartmentId: f.depB.id })),
  {
    route: 'POST /api/v1/stream-tickets',
    allowed: [...STAFF, 'board'],
    success: 201,
    prepare: at('/api/v1/stream-tickets', {}),
  },
  {
    route: 'GET /api/v1/departments/:id/events',
    allowed: STAFF,
    scoped: true,
    stream: true,
    success: 200,
    prepare: async () => ({ url: `/api/v1/departments/${f.depA.id}/events` }),
  },
  {
    route: 'GET /api/v1/boards/:boardId/events',
    allowed: ['board'],
    stream: true,
    success: 200,
    prepare: async () => ({ url: `/api/v1/boards/${f.ids.boardA}/events` }),
  },
  ...['', '/events'].map((suffix): AccessEntry => ({
    route: `GET /api/v1/tickets/:publicToken${suffix}`,
    allowed: [...STAFF, 'kiosk', 'board'],
    public: true,
    phiFree: true,
    stream: suffix !== '',
    success: 200,
    prepare: async () => {
      const v = await visitIn(t, f.admin, f.depA, 'WAITING', PATIENT);
      return { url: `/api/v1/tickets/${(v as { publicToken?: string }).publicToken}${suffix}` };
    },
  })),
  {
    route: 'GET /api/v1/admin/audit',
    allowed: ADMIN,
    success: 200,
    prepare: at('/api/v1/admin/audit?limit=5'),
  },
  {
    route: 'GET /api/v1/reports/daily',
    allowed: ['admin', 'reception'],
    scoped: true,
    success: 200,
    prepare: async () => ({
      url: `/api/v1/reports/daily?departmentId=${f.depA.id}&from=2026-01-01&to=2026-01-31`,
    }),
  },
  {
    route: 'GET /api/v1/admin/users/:id/sessions',
    allowed: ADMIN,
    success: 200,
    prepare: async () => ({ url: `/api/v1/admin/users/${f.ids.user}/sessions` }),
  },
  {
    route: 'DELETE /api/v1/admin/sessions/:id',
    allowed: ADMIN,
    success: 204,
    // A fresh login to end: its id is the family id, the `sid` of its access tokens.
    prepare: async () => {
      const token = await login((await newUser([f.depX.id])).username);
      return { url: `/api/v1/admin/sessions/${String(decode(token).sid)}` };
    },
  },
  ...adminCrud(
    'departments',
    () => ({ code: uniqueCode('Q'), name: 'New' }),
    async () => f.depX.id,
    async () => (await createDepartment(t, uniqueCode('D'), { rooms: [] })).id,
    () => ({ name: 'Renamed X' }),
  ),
  ...adminCrud(
    'departments/:id/rooms',
    () => ({ name: uniqueName('New room') }),
    newRoom,
    newRoom,
    () => ({ name: uniqueName('Renamed room') }),
  ),
  ...adminCrud(
    'users',
    () => ({ username: uniqueName('created'), password: TEST_PASSWORD, role: 'doctor' }),
    async () => f.ids.user,
    async () => (await newUser([f.depX.id])).id,
    () => ({ departmentIds: [f.depX.id] }),
  ),
  ...(['kiosks', 'boards'] as const).flatMap((kind) =>
    adminCrud(
      kind,
      () => ({ name: 'New device', departmentIds: [f.depX.id] }),
      async () => (kind === 'kiosks' ? f.ids.kiosk : f.ids.board),
      async () => (await newDevice(kind, [f.depX.id])).id,
      () => ({ name: 'Renamed device' }),
    ),
  ),
];

const expected = (entry: AccessEntry, actor: Actor): number => {
  if (entry.public === true) return entry.success;
  if (!entry.allowed.includes(actor.role)) return 403;
  if (entry.scoped === true && !actor.inScope) return 403;
  return entry.success;
};

const send = (
  entry: AccessEntry,
  p: Prepared,
  headers: Record<string, string>,
): Promise<HttpResult> =>
  entry.stream === true
    ? openStream(p.url, headers)
    : t.app.inject({
        method: entry.route.split(' ')[0],
        url: p.url,
        headers: { ...p.headers, ...headers },
        ...(p.body !== undefined && { payload: p.body }),
      });

/**
 * GET over real HTTP. An event stream is closed as soon as its headers are in (its body is
 * the live tests' business); anything else is read to the end.
 */
const openStream = async (url: string, headers: Record<string, string>): Promise<HttpResult> => {
  const controller = new AbortController();
  const res = await fetch(`${base}${url}`, {
    headers: { accept: 'text/event-stream', ...headers },
    signal: controller.signal,
  });
  const isStream = (res.headers.get('content-type') ?? '').startsWith('text/event-stream');
  let body = '';
  if (isStream) controller.abort();
  else body = await res.text();
  return {
    statusCode: res.status,
    headers: Object.fromEntries(res.headers.entries()),
    body,
    json: <T>() => JSON.parse(body) as T,
  };
};

// ---------------------------------------------------------------------------------------
// Forged and broken credentials.

const b64 = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');
const hashes = { HS256: 'sha256', HS384: 'sha384', HS512: 'sha512' } as const;

/** A JWT signed here, with HMAC, whatever the claims. */
const signJwt = (
  claims: Record<string, unknown>,
  secret = TEST_JWT_SECRET,
  alg: keyof typeof hashes = 'HS256',
): string => {
  const signed = `${b64({ alg, typ: 'JWT' })}.${b64(claims)}`;
  return `${signed}.${createHmac(hashes[alg], secret).update(signed).digest('base64url')}`;
};

const nowSeconds = (): number => Math.floor(Date.now() / 1000);
const decode = (jwt: string): Record<string, unknown> =>
  JSON.parse(Buffer.from(jwt.split('.')[1] ?? '', 'base64url').toString()) as Record<
    string,
    unknown
  >;

/** The admin's real claims (whatever the server puts in them), with some replaced. */
const claims = (overrides: Record<string, unknown> = {}): Record<string, unknown> => ({
  ...decode(f.admin),
  ...overrides,
});

/** Each must be refused with 401 UNAUTHENTICATED; `undefined` is no header at all. */
const badCredentials: Record<string, () => string | undefined> = {
  'no Authorization header': () => undefined,
  'a garbage bearer': () => 'Bearer garbage',
  'an empty bearer': () => 'Bearer ',
  'Basic credentials': () => `Basic ${Buffer.from(`admin:${TEST_PASSWORD}`).toString('base64')}`,
  'a made-up kiosk token': () => 'Bearer mqk_0123456789abcdef0123456789abcdef',
  'a made-up board token': () => 'Bearer mqb_0123456789abcdef0123456789abcdef',
  'a 5000-character bearer': () => `Bearer ${'a'.repeat(5000)}`,
  'a JWT signed with another secret': () =>
    `Bearer ${signJwt(claims(), 'another-secret-0123456789abcdefghijklmnop')}`,
  'an alg:none JWT': () => `Bearer ${b64({ alg: 'none', typ: 'JWT' })}.${b64(claims())}.`,
  'an expired JWT (right secret)': () => `Bearer ${signJwt(claims({ exp: nowSeconds() - 60 }))}`,
  'a JWT with a tampered payload (sub and role changed, signature kept)': () => {
    const [head, , signature] = f.tokens.receptionA!.split('.');
    const payload = { ...decode(f.tokens.receptionA!), sub: f.adminId, role: 'admin' };
    return `Bearer ${head}.${b64(payload)}.${signature}`;
  },
  'a JWT for another audience': () => `Bearer ${signJwt(claims({ aud: 'someone-else' }))}`,
  'a JWT from another issuer': () => `Bearer ${signJwt(claims({ iss: 'evil' }))}`,
  'a JWT signed with HS512 (algorithm not pinned)': () =>
    `Bearer ${signJwt(claims(), TEST_JWT_SECRET, 'HS512')}`,
  'a JWT naming a user that does not exist': () =>
    `Bearer ${signJwt(claims({ sub: randomUUID() }))}`,
};

// ---------------------------------------------------------------------------------------

describe('access', () => {
  it('the table covers every registered /api/v1 route, and only those', () => {
    expect(table.map((e) => e.route).sort()).toEqual(registeredApiRoutes(t.app));
  });

  it('a token hand-signed here with the right secret and claims is accepted (so the forgeries below fail for the reason they name)', async () => {
    const res = await t.app.inject({
      method: 'GET',
      url: '/api/v1/me',
      headers: { authorization: `Bearer ${signJwt(claims())}` },
    });
    expect(res.statusCode, res.body).toBe(200);
  });

  it('a token without exp is refused, even with the right secret (access tokens last 15 minutes: SPEC Security)', async () => {
    const { exp: _exp, ...rest } = claims();
    const res = await t.app.inject({
      method: 'GET',
      url: '/api/v1/me',
      headers: { authorization: `Bearer ${signJwt(rest)}` },
    });
    expectProblem(res, 401, 'UNAUTHENTICATED', 'no exp');
  });

  describe.each(table.map((e) => [e.route, e] as const))('%s', (_route, entry) => {
    it.each(actors.map((a) => [a.name, expected(entry, a), a] as const))(
      'as %s → %i',
      async (_name, status, actor) => {
        const prepared = await entry.prepare();
        const token =
          entry.freshActor === true && STAFF.some((r) => r === actor.role)
            ? await login(
                (await newUser([actor.inScope ? f.depA.id : f.depB.id], actor.role)).username,
              )
            : actor.token();
        const before = await dbFingerprint(t.handle.db);
        const res = await send(entry, prepared, bearer(token));
        if (status >= 400) {
          expectProblem(res, status, 'FORBIDDEN', `${entry.route} as ${actor.name}`);
          expect(res.body).not.toContain('Secretname');
          expect(await dbFingerprint(t.handle.db)).toEqual(before);
        } else {
          expect(res.statusCode, res.body).toBe(status);
          if (entry.stream === true) {
            expect(String(res.headers['content-type'])).toMatch(/^text\/event-stream/);
          }
          // Patient data goes to staff, and to a kiosk only in its own check-in response.
          const mayCarryPhi =
            entry.phiFree !== true &&
            (STAFF.some((r) => r === actor.role) || entry === checkinEntry);
          if (!mayCarryPhi) expect(res.body).not.toContain('Secretname');
        }
      },
    );

    if (entry.public !== true) {
      it('refuses every missing, broken or forged credential with 401, changing nothing', async () => {
        const prepared = await entry.prepare();
        const before = await dbFingerprint(t.handle.db);
        for (const [label, header] of Object.entries(badCredentials)) {
          const authorization = header();
          const res = await send(
            entry,
            prepared,
            authorization === undefined ? {} : { authorization },
          );
          expectProblem(res, 401, 'UNAUTHENTICATED', `${entry.route} with ${label}`);
          expect.soft(res.body, label).not.toContain('Secretname');
        }
        expect(await dbFingerprint(t.handle.db)).toEqual(before);
      });
    }
  });

  describe('check-in priority', () => {
    const checkin = (token: string, priority: string, departmentId = f.depA.id) =>
      t.app.inject({
        method: 'POST',
        url: '/api/v1/checkins',
        headers: { ...bearer(token), 'idempotency-key': `prio-${(keys += 1)}` },
        payload: { departmentId, priority },
      });

    it('a kiosk may send normal and priority, but not emergency (403, nothing recorded)', async () => {
      expect((await checkin(f.tokens.kioskA!, 'normal')).statusCode).toBe(201);
      expect((await checkin(f.tokens.kioskA!, 'priority')).statusCode).toBe(201);
      const before = await dbFingerprint(t.handle.db);
      expectProblem(await checkin(f.tokens.kioskA!, 'emergency'), 403, 'FORBIDDEN', 'kiosk');
      expect(await dbFingerprint(t.handle.db)).toEqual(before);
    });

    it('reception and admin may check in an emergency', async () => {
      for (const token of [f.tokens.receptionA!, f.admin]) {
        const res = await checkin(token, 'emergency');
        expect(res.statusCode, res.body).toBe(201);
        expect(res.json<{ visit: { priority: string } }>().visit.priority).toBe('emergency');
      }
    });

    it('a kiosk is refused a department outside its scope even when it exists and is active', async () => {
      expectProblem(await checkin(f.tokens.kioskB!, 'normal'), 403, 'FORBIDDEN', 'kiosk B on A');
      expect((await checkin(f.tokens.kioskB!, 'normal', f.depB.id)).statusCode).toBe(201);
    });
  });

  describe('device scope in lists', () => {
    it('a kiosk and a board list only their own departments', async () => {
      for (const token of [f.tokens.kioskA!, f.tokens.boardA!]) {
        const res = await t.app.inject({
          method: 'GET',
          url: '/api/v1/departments',
          headers: bearer(token),
        });
        expect(res.statusCode).toBe(200);
        const ids = res.json<{ departments: { id: string }[] }>().departments.map((d) => d.id);
        expect(ids).toEqual([f.depA.id]);
      }
    });
  });

  describe('stream tickets (docs/api.md Credentials)', () => {
    const issue = async (token: string): Promise<string> => {
      const res = await t.app.inject({
        method: 'POST',
        url: '/api/v1/stream-tickets',
        headers: bearer(token),
        payload: {},
      });
      expect(res.statusCode, res.body).toBe(201);
      return res.json<{ ticket: string }>().ticket;
    };

    it('POST /stream-tickets with no body at all is a 201 (docs/api.md: "no body, or {}")', async () => {
      const injected = await t.app.inject({
        method: 'POST',
        url: '/api/v1/stream-tickets',
        headers: bearer(f.tokens.receptionA!),
      });
      expect.soft(injected.statusCode, injected.body).toBe(201);
      const fetched = await fetch(`${base}/api/v1/stream-tickets`, {
        method: 'POST',
        headers: bearer(f.tokens.receptionA!),
      });
      expect.soft(fetched.status, await fetched.text()).toBe(201);
    });
    const depStream = (ticket: string, dep = f.depA.id) =>
      openStream(`/api/v1/departments/${dep}/events?ticket=${encodeURIComponent(ticket)}`, {});

    it('a ticket opens one stream once; the second use is 401', async () => {
      const ticket = await issue(f.tokens.receptionA!);
      expect((await depStream(ticket)).statusCode).toBe(200);
      expectProblem(await depStream(ticket), 401, 'UNAUTHENTICATED', 'reused ticket');
    });

    it("a ticket carries its credential's scope: reception of B gets 403 on A, a board 403 on a department", async () => {
      expectProblem(await depStream(await issue(f.tokens.receptionB!)), 403, 'FORBIDDEN', 'B on A');
      expectProblem(await depStream(await issue(f.tokens.boardA!)), 403, 'FORBIDDEN', 'board');
    });

    it('a made-up ticket is 401', async () => {
      expectProblem(await depStream('x'.repeat(32)), 401, 'UNAUTHENTICATED', 'made-up ticket');
    });

    it('a kiosk cannot get a ticket', async () => {
      const res = await t.app.inject({
        method: 'POST',
        url: '/api/v1/stream-tickets',
        headers: bearer(f.tokens.kioskA!),
      });
      expectProblem(res, 403, 'FORBIDDEN', 'kiosk ticket');
    });

    it('a ticket issued before its user was deactivated no longer opens a stream', async () => {
      const user = await newUser([f.depA.id]);
      const ticket = await issue(await login(user.username));
      const del = await t.app.inject({
        method: 'DELETE',
        url: `/api/v1/admin/users/${user.id}`,
        headers: bearer(f.admin),
      });
      expect(del.statusCode).toBe(204);
      expectProblem(await depStream(ticket), 401, 'UNAUTHENTICATED', 'deactivated user ticket');
    });
  });

  describe('cookie sessions: refresh and logout need the cookie and the CSRF header', () => {
    const post = (url: string, headers: Record<string, string>) =>
      t.app.inject({ method: 'POST', url, headers });
    const without = (headers: Record<string, string> | undefined, drop: string) =>
      Object.fromEntries(Object.entries(headers ?? {}).filter(([k]) => k !== drop));

    it.each(['/api/v1/auth/refresh', '/api/v1/auth/logout'])(
      '%s without X-CSRF-Token, or with a wrong one: 403, session untouched',
      async (url) => {
        const session = await freshSession(url)();
        const before = await dbFingerprint(t.handle.db);
        const missing = await post(url, without(session.headers, 'x-csrf-token'));
        expectProblem(missing, 403, 'FORBIDDEN', `${url} without CSRF header`);
        const wrong = await post(url, { ...session.headers, 'x-csrf-token': 'x'.repeat(40) });
        expectProblem(wrong, 403, 'FORBIDDEN', `${url} with a wrong CSRF header`);
        expect(await dbFingerprint(t.handle.db)).toEqual(before);
        // The untouched session still works.
        expect((await post(url, session.headers ?? {})).statusCode).toBeLessThan(300);
      },
    );

    it('refresh without the refresh cookie is 401', async () => {
      const session = await freshSession('/api/v1/auth/refresh')();
      const cookie = (session.headers?.cookie ?? '')
        .split('; ')
        .filter((c) => !c.startsWith('mq_refresh='))
        .join('; ');
      const res = await post('/api/v1/auth/refresh', { ...session.headers, cookie });
      expectProblem(res, 401, 'UNAUTHENTICATED', 'refresh without cookie');
    });

    it('an access token is not a refresh credential: a bearer alone cannot refresh', async () => {
      const res = await post('/api/v1/auth/refresh', bearer(f.admin));
      expect([401, 403]).toContain(res.statusCode);
      expectProblem(res, res.statusCode, undefined, 'bearer-only refresh');
    });
  });

  describe('revocation takes effect at once', () => {
    it("a password change ends the user's other sessions, not the one that made it", async () => {
      const user = await newUser([f.depA.id]);
      const [mine, other] = [await login(user.username), await login(user.username)];
      // Token times have whole-second precision: change the password in a later second
      // than the logins, so the outcome does not depend on where a second boundary falls.
      await new Promise((resolve) => setTimeout(resolve, 1100));
      const res = await t.app.inject({
        method: 'POST',
        url: '/api/v1/auth/password',
        headers: bearer(mine),
        payload: { currentPassword: TEST_PASSWORD, newPassword: 'An0ther-Long-Passw0rd!' },
      });
      expect(res.statusCode, res.body).toBe(204);
      const me = (token: string) =>
        t.app.inject({ method: 'GET', url: '/api/v1/me', headers: bearer(token) });
      expectProblem(await me(other), 401, 'UNAUTHENTICATED', 'other session');
      expect((await me(mine)).statusCode).toBe(200);
    });

    const get = (url: string, token: string) =>
      t.app.inject({ method: 'GET', url, headers: bearer(token) });
    const del = (url: string) => t.app.inject({ method: 'DELETE', url, headers: bearer(f.admin) });
    const patch = (url: string, payload: object) =>
      t.app.inject({ method: 'PATCH', url, headers: bearer(f.admin), payload });

    it('a deactivated kiosk gets 401 on its next request', async () => {
      const kiosk = await newDevice('kiosks', [f.depA.id]);
      const checkin = () =>
        t.app.inject({
          method: 'POST',
          url: '/api/v1/checkins',
          headers: { ...bearer(kiosk.token), 'idempotency-key': `revoked-${(keys += 1)}` },
          payload: { departmentId: f.depA.id },
        });
      expect((await checkin()).statusCode).toBe(201);
      expect((await del(`/api/v1/admin/kiosks/${kiosk.id}`)).statusCode).toBe(204);
      const before = await dbFingerprint(t.handle.db);
      expectProblem(await checkin(), 401, 'UNAUTHENTICATED', 'deactivated kiosk check-in');
      expectProblem(
        await get('/api/v1/departments', kiosk.token),
        401,
        'UNAUTHENTICATED',
        'deactivated kiosk list',
      );
      expect(await dbFingerprint(t.handle.db)).toEqual(before);
    });

    it('a deactivated board gets 401', async () => {
      const board = await newDevice('boards', [f.depA.id]);
      expect((await get('/api/v1/departments', board.token)).statusCode).toBe(200);
      expect((await del(`/api/v1/admin/boards/${board.id}`)).statusCode).toBe(204);
      expectProblem(await get('/api/v1/departments', board.token), 401, 'UNAUTHENTICATED');
    });

    it("a deactivated user's existing token gets 401", async () => {
      const user = await newUser([f.depA.id]);
      const token = await login(user.username);
      const visit = await visitIn(t, f.admin, f.depA, 'WAITING');
      expect((await get('/api/v1/me', token)).statusCode).toBe(200);
      expect((await del(`/api/v1/admin/users/${user.id}`)).statusCode).toBe(204);
      expectProblem(await get('/api/v1/me', token), 401, 'UNAUTHENTICATED', 'me');
      const before = await dbFingerprint(t.handle.db);
      const cancel = await t.app.inject({
        method: 'POST',
        url: `/api/v1/visits/${visit.id}/cancel`,
        headers: bearer(token),
        payload: { version: visit.version },
      });
      expectProblem(cancel, 401, 'UNAUTHENTICATED', 'cancel');
      expect(await dbFingerprint(t.handle.db)).toEqual(before);
    });

    it('a user moved to another department loses the old one at once (same token)', async () => {
      const user = await newUser([f.depA.id]);
      const token = await login(user.username);
      const visit = await visitIn(t, f.admin, f.depA, 'WAITING', PATIENT);
      expect((await get(`/api/v1/visits/${visit.id}`, token)).statusCode).toBe(200);
      const moved = await patch(`/api/v1/admin/users/${user.id}`, { departmentIds: [f.depB.id] });
      expect(moved.statusCode, moved.body).toBe(200);
      const res = await get(`/api/v1/visits/${visit.id}`, token);
      expectProblem(res, 403, 'FORBIDDEN', 'moved user');
      expect(res.body).not.toContain('Secretname');
    });

    it('a kiosk moved to another department loses the old one at once', async () => {
      const kiosk = await newDevice('kiosks', [f.depA.id]);
      const moved = await patch(`/api/v1/admin/kiosks/${kiosk.id}`, { departmentIds: [f.depB.id] });
      expect(moved.statusCode, moved.body).toBe(200);
      const res = await t.app.inject({
        method: 'POST',
        url: '/api/v1/checkins',
        headers: { ...bearer(kiosk.token), 'idempotency-key': `moved-${(keys += 1)}` },
        payload: { departmentId: f.depA.id },
      });
      expectProblem(res, 403, 'FORBIDDEN', 'moved kiosk');
    });

    it('an admin demoted to reception loses the admin routes at once (same token)', async () => {
      const user = await newUser([], 'admin');
      const token = await login(user.username);
      expect((await get('/api/v1/admin/users', token)).statusCode).toBe(200);
      const demoted = await patch(`/api/v1/admin/users/${user.id}`, { role: 'reception' });
      expect(demoted.statusCode, demoted.body).toBe(200);
      expectProblem(await get('/api/v1/admin/users', token), 403, 'FORBIDDEN', 'demoted');
    });
  });
});
