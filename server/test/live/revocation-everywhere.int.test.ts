import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshPostgres, type TestDatabase } from '../support/postgres.js';
import {
  startServer,
  PROCESS_JWT_SECRET,
  runTs,
  STRONG_PASSWORD,
  type Spawned,
} from '../support/process.js';
import { connectSse, type SseConnection } from '../support/sse-client.js';

/**
 * Issue 11: revocation reaches open streams on every instance, through the bus, within a
 * second — logout, an admin's session revoke, a password change, deactivation, a change of
 * role or departments, a revoked or re-scoped board — and ends no other stream. Two real
 * server processes on one Postgres and one Redis; the change is made on one of them and
 * streams are held on both. Waits are bounded by the streams' own end or next event.
 */
const redisUrl = process.env.TEST_REDIS_URL ?? process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const LIMIT_MS = 1_000;
let db: TestDatabase;
const servers: Spawned[] = [];
let A = '';
let B = '';
let admin = '';
const opened: SseConnection[] = [];

const startInstance = async (): Promise<string> => {
  const { server, base } = await startServer({
    DATABASE_URL: db.url,
    REDIS_URL: redisUrl,
    JWT_SECRET: PROCESS_JWT_SECRET,
    LOG_LEVEL: 'warn',
    NODE_ENV: 'test',
  });
  servers.push(server);
  return base;
};

interface Login {
  readonly token: string;
  readonly sessionId: string;
  readonly cookie: string;
  readonly csrf: string;
}

const login = async (
  base: string,
  username: string,
  password = STRONG_PASSWORD,
): Promise<Login> => {
  const res = await fetch(`${base}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  expect(res.status).toBe(200);
  const token = ((await res.json()) as { accessToken: string }).accessToken;
  const pairs = res.headers.getSetCookie().map((c) => c.split(';')[0] ?? '');
  const csrf = pairs.find((p) => p.startsWith('mq_csrf='))?.slice('mq_csrf='.length) ?? '';
  const payload = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString()) as {
    sid: string;
  };
  return { token, sessionId: payload.sid, cookie: pairs.join('; '), csrf };
};

const call = async (
  base: string,
  method: 'POST' | 'PATCH' | 'DELETE',
  path: string,
  token: string,
  body?: unknown,
  headers: Record<string, string> = {},
) => {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      ...(body !== undefined && { 'content-type': 'application/json' }),
      ...headers,
    },
    ...(body !== undefined && { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  return {
    status: res.status,
    body: (text === '' ? {} : JSON.parse(text)) as Record<string, unknown>,
  };
};

let codes = 0;
const department = async (): Promise<string> => {
  codes += 1;
  const code = `RV${String.fromCharCode(65 + Math.floor(codes / 26))}${String.fromCharCode(65 + (codes % 26))}`;
  const res = await call(A, 'POST', '/api/v1/admin/departments', admin, { code, name: code });
  expect(res.status).toBe(201);
  return (res.body.department as { id: string }).id;
};

let users = 0;
const user = async (role: 'admin' | 'doctor' | 'reception', departmentIds: string[]) => {
  users += 1;
  const username = `rev-${role}-${users}`;
  const res = await call(A, 'POST', '/api/v1/admin/users', admin, {
    username,
    password: STRONG_PASSWORD,
    role,
    departmentIds,
  });
  expect(res.status).toBe(201);
  return { id: (res.body.user as { id: string }).id, username };
};

const board = async (departmentIds: string[]) => {
  const res = await call(A, 'POST', '/api/v1/admin/boards', admin, { name: 'Hall', departmentIds });
  expect(res.status).toBe(201);
  return { id: (res.body.board as { id: string }).id, token: res.body.token as string };
};

/** A department stream (or `path`) on `base`, open and past its snapshot. */
const stream = async (base: string, path: string, token: string): Promise<SseConnection> => {
  const s = await connectSse(`${base}${path}`, { authorization: `Bearer ${token}` });
  expect(s.status).toBe(200);
  await s.until((f) => f.some((x) => x.event === 'snapshot'));
  opened.push(s);
  return s;
};
const events = (dep: string) => `/api/v1/departments/${dep}/events`;

/** The change, then: each of `gone` ends within LIMIT_MS of the answer. */
const endsWithin = async (change: () => Promise<{ status: number }>, gone: SseConnection[]) => {
  const res = await change();
  expect(res.status).toBeLessThan(300);
  const t0 = performance.now();
  await Promise.all(
    gone.map((s, i) =>
      Promise.race([
        s.ended,
        new Promise((_, reject) =>
          setTimeout(
            () => reject(new Error(`stream ${i} still open after ${LIMIT_MS} ms`)),
            LIMIT_MS,
          ),
        ),
      ]),
    ),
  );
  return performance.now() - t0;
};

let keys = 0;
/** `kept` are still open: each gets the next event of its department. */
const stillLive = async (kept: { s: SseConnection; dep: string }[]) => {
  const ended = kept.map(() => false);
  kept.forEach(({ s }, i) => void s.ended.then(() => (ended[i] = true)));
  for (const dep of new Set(kept.map((k) => k.dep))) {
    const res = await call(
      A,
      'POST',
      '/api/v1/checkins',
      admin,
      { departmentId: dep },
      {
        'idempotency-key': `rev-${(keys += 1)}`,
      },
    );
    expect(res.status).toBe(201);
    const visitId = (res.body.visit as { id: string }).id;
    await Promise.all(
      kept
        .filter((k) => k.dep === dep)
        .map(({ s }) =>
          s.until((f) =>
            f.some(
              (x) =>
                x.data.includes(visitId) || (x.event === 'board.updated' && x.id !== undefined),
            ),
          ),
        ),
    );
  }
  expect(ended).toEqual(kept.map(() => false));
};

beforeAll(async () => {
  db = await freshPostgres();
  const created = runTs(
    'src/cli/admin-create.ts',
    ['--username', 'admin', '--password', STRONG_PASSWORD],
    {
      DATABASE_URL: db.url,
      NODE_ENV: 'test',
    },
  );
  expect(await created.exited, created.output()).toBe(0);
  [A, B] = await Promise.all([startInstance(), startInstance()]);
  admin = (await login(A, 'admin')).token;
}, 120_000);

afterAll(async () => {
  for (const s of opened) s.close();
  for (const s of servers) s.child.kill('SIGKILL');
  await db.drop();
});

describe('revocation ends the right streams on every instance within 1 s', () => {
  it('logout ends that session’s streams, not the user’s other session', async () => {
    const dep = await department();
    const u = await user('doctor', [dep]);
    const [s1, s2] = [await login(A, u.username), await login(B, u.username)];
    const gone = [await stream(A, events(dep), s1.token), await stream(B, events(dep), s1.token)];
    const kept = [await stream(A, events(dep), s2.token), await stream(B, events(dep), s2.token)];
    await endsWithin(
      () =>
        call(A, 'POST', '/api/v1/auth/logout', s1.token, undefined, {
          cookie: s1.cookie,
          'x-csrf-token': s1.csrf,
        }),
      gone,
    );
    await stillLive(kept.map((s) => ({ s, dep })));
  });

  it('an admin’s session revoke ends that session’s streams', async () => {
    const dep = await department();
    const u = await user('reception', [dep]);
    const [s1, s2] = [await login(A, u.username), await login(A, u.username)];
    const gone = [await stream(A, events(dep), s1.token), await stream(B, events(dep), s1.token)];
    const kept = [await stream(A, events(dep), s2.token), await stream(B, events(dep), s2.token)];
    await endsWithin(
      () => call(B, 'DELETE', `/api/v1/admin/sessions/${s1.sessionId}`, admin),
      gone,
    );
    await stillLive(kept.map((s) => ({ s, dep })));
  });

  it('a password change ends the other sessions’ streams and keeps its own', async () => {
    const dep = await department();
    const u = await user('doctor', [dep]);
    const [s1, s2] = [await login(A, u.username), await login(B, u.username)];
    const kept = [await stream(A, events(dep), s1.token), await stream(B, events(dep), s1.token)];
    const gone = [await stream(A, events(dep), s2.token), await stream(B, events(dep), s2.token)];
    await endsWithin(
      () =>
        call(B, 'POST', '/api/v1/auth/password', s1.token, {
          currentPassword: STRONG_PASSWORD,
          newPassword: 'Another-Strong-Pa55!',
        }),
      gone,
    );
    await stillLive(kept.map((s) => ({ s, dep })));
  });

  it('deactivation ends every stream of the user, and nobody else’s', async () => {
    const dep = await department();
    const u = await user('doctor', [dep]);
    const other = await user('doctor', [dep]);
    const [s1, s2, o] = [
      await login(A, u.username),
      await login(B, u.username),
      await login(A, other.username),
    ];
    const gone = [
      await stream(A, events(dep), s1.token),
      await stream(B, events(dep), s2.token),
      await stream(B, events(dep), s1.token),
    ];
    const kept = [await stream(A, events(dep), o.token), await stream(B, events(dep), o.token)];
    await endsWithin(() => call(A, 'DELETE', `/api/v1/admin/users/${u.id}`, admin), gone);
    await stillLive(kept.map((s) => ({ s, dep })));
  });

  it('losing a department ends that department’s streams only', async () => {
    const [x, y] = [await department(), await department()];
    const u = await user('reception', [x, y]);
    const s = await login(A, u.username);
    const gone = [await stream(A, events(x), s.token), await stream(B, events(x), s.token)];
    const kept = [await stream(A, events(y), s.token), await stream(B, events(y), s.token)];
    await endsWithin(
      () => call(B, 'PATCH', `/api/v1/admin/users/${u.id}`, admin, { departmentIds: [y] }),
      gone,
    );
    await stillLive(kept.map((k) => ({ s: k, dep: y })));
  });

  it('a role change from admin ends the streams its new departments do not cover', async () => {
    const [x, y] = [await department(), await department()];
    const u = await user('admin', []);
    const s = await login(B, u.username);
    const gone = [await stream(A, events(x), s.token), await stream(B, events(x), s.token)];
    const kept = [await stream(A, events(y), s.token), await stream(B, events(y), s.token)];
    await endsWithin(
      () =>
        call(A, 'PATCH', `/api/v1/admin/users/${u.id}`, admin, {
          role: 'doctor',
          departmentIds: [y],
        }),
      gone,
    );
    await stillLive(kept.map((k) => ({ s: k, dep: y })));
  });

  it('a revoked board, and a board given other departments, lose their streams; other boards do not', async () => {
    const [x, y] = [await department(), await department()];
    const [revoked, moved, other] = [await board([x]), await board([x]), await board([x])];
    const path = (id: string) => `/api/v1/boards/${id}/events`;
    const gone1 = [
      await stream(A, path(revoked.id), revoked.token),
      await stream(B, path(revoked.id), revoked.token),
    ];
    const gone2 = [
      await stream(A, path(moved.id), moved.token),
      await stream(B, path(moved.id), moved.token),
    ];
    const kept = [
      await stream(A, path(other.id), other.token),
      await stream(B, path(other.id), other.token),
    ];
    await endsWithin(() => call(A, 'DELETE', `/api/v1/admin/boards/${revoked.id}`, admin), gone1);
    await endsWithin(
      () => call(B, 'PATCH', `/api/v1/admin/boards/${moved.id}`, admin, { departmentIds: [y] }),
      gone2,
    );
    const before = kept.map((s) => s.frames.length);
    await stillLive(kept.map((s) => ({ s, dep: x })));
    kept.forEach((s, i) => expect(s.frames.length).toBeGreaterThan(before[i] ?? 0));
    // The moved board reconnects to its new departments.
    const again = await stream(A, path(moved.id), moved.token);
    expect(JSON.parse(again.frames[0]?.data ?? '{}')).toMatchObject({
      departments: [{ departmentId: y }],
    });
  });

  it('a revoked kiosk is refused at once on the other instance (its credential is not kept)', async () => {
    const dep = await department();
    const res = await call(A, 'POST', '/api/v1/admin/kiosks', admin, {
      name: 'K',
      departmentIds: [dep],
    });
    const kiosk = { id: (res.body.kiosk as { id: string }).id, token: res.body.token as string };
    const checkIn = (base: string) =>
      call(
        base,
        'POST',
        '/api/v1/checkins',
        kiosk.token,
        { departmentId: dep },
        {
          'idempotency-key': `k-${(keys += 1)}`,
        },
      );
    expect((await checkIn(B)).status).toBe(201); // B now holds the credential
    expect((await call(A, 'DELETE', `/api/v1/admin/kiosks/${kiosk.id}`, admin)).status).toBe(204);
    const deadline = performance.now() + LIMIT_MS;
    let status = (await checkIn(B)).status;
    while (status !== 401 && performance.now() < deadline) status = (await checkIn(B)).status;
    expect(status).toBe(401);
  });
});
