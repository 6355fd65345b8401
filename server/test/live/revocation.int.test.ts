import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  bearer,
  checkIn,
  createDepartment,
  listen,
  startTestApp,
  TEST_PASSWORD,
  type TestApp,
} from '../support/app.js';
import { freshPostgres, type TestDatabase } from '../support/postgres.js';
import { connectSse } from '../support/sse-client.js';

/** Heartbeats, and open streams ending when their credential is revoked (SPEC Security). */
let db: TestDatabase;
let t: TestApp;
let base: string;
let admin: string;

beforeAll(async () => {
  db = await freshPostgres();
  t = await startTestApp(db.handle, { heartbeatMs: 150 });
  base = await listen(t.app);
  admin = await t.adminToken();
});

afterAll(async () => {
  await t.close();
  await db.drop();
});

/** Fails with `label` instead of hanging until the test times out. */
const within = async <T>(promise: Promise<T>, ms: number, label: string): Promise<T> => {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`${label}: not within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
};

const adminCall = (method: 'PATCH' | 'DELETE' | 'POST', url: string, payload?: object) =>
  t.app.inject({ method, url, headers: bearer(admin), ...(payload && { payload }) });

describe('stream heartbeats and revocation', () => {
  it('sends ": ping" comments, and ends a staff stream once the user is deactivated', async () => {
    const dep = await createDepartment(t, 'REVU');
    const reception = await t.tokenFor({
      username: 'rev-reception',
      role: 'reception',
      departmentIds: [dep.id],
    });
    const sse = await connectSse(`${base}/api/v1/departments/${dep.id}/events`, bearer(reception));
    await sse.until((f) => f.length >= 1);
    await sse.until((_, raw) => raw.includes(': ping\n\n'));
    const list = await t.app.inject({
      method: 'GET',
      url: '/api/v1/admin/users?limit=200',
      headers: bearer(admin),
    });
    const user = list
      .json<{ users: { id: string; username: string }[] }>()
      .users.find((u) => u.username === 'rev-reception');
    expect((await adminCall('DELETE', `/api/v1/admin/users/${user?.id ?? ''}`)).statusCode).toBe(
      204,
    );
    await sse.ended;
    expect(
      (await t.app.inject({ method: 'GET', url: '/api/v1/me', headers: bearer(reception) }))
        .statusCode,
    ).toBe(401);
  });

  it('ends a board stream once the board is revoked', async () => {
    const dep = await createDepartment(t, 'REVB');
    const created = await adminCall('POST', '/api/v1/admin/boards', {
      name: 'Hall',
      departmentIds: [dep.id],
    });
    const { board, token } = created.json<{ board: { id: string }; token: string }>();
    const sse = await connectSse(`${base}/api/v1/boards/${board.id}/events`, bearer(token));
    await sse.until((f) => f.some((x) => x.event === 'snapshot'));
    expect((await adminCall('DELETE', `/api/v1/admin/boards/${board.id}`)).statusCode).toBe(204);
    await sse.ended;
    const again = await connectSse(`${base}/api/v1/boards/${board.id}/events`, bearer(token));
    expect(again.status).toBe(401);
  });

  it("ends the streams of a session an admin revokes — by header and by ticket — and not the user's other session", async () => {
    const dep = await createDepartment(t, 'REVS');
    const revoked = await t.tokenFor({
      username: 'rev-sessions',
      role: 'reception',
      departmentIds: [dep.id],
    });
    const login = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { username: 'rev-sessions', password: TEST_PASSWORD },
    });
    const kept = login.json<{ accessToken: string }>().accessToken;
    const sid = (jwt: string): string =>
      (JSON.parse(Buffer.from(jwt.split('.')[1] ?? '', 'base64url').toString()) as { sid: string })
        .sid;
    const ticket = async (token: string): Promise<string> =>
      (
        await t.app.inject({
          method: 'POST',
          url: '/api/v1/stream-tickets',
          headers: bearer(token),
          payload: {},
        })
      ).json<{ ticket: string }>().ticket;

    const url = `${base}/api/v1/departments/${dep.id}/events`;
    const byHeader = await connectSse(url, bearer(revoked));
    const byTicket = await connectSse(`${url}?ticket=${await ticket(revoked)}`);
    const unusedTicket = await ticket(revoked);
    const other = await connectSse(url, bearer(kept));
    for (const stream of [byHeader, byTicket, other]) {
      expect(stream.status).toBe(200);
      await stream.until((f) => f.some((x) => x.event === 'snapshot'));
    }
    let otherEnded = false;
    void other.ended.then(() => {
      otherEnded = true;
    });

    expect((await adminCall('DELETE', `/api/v1/admin/sessions/${sid(revoked)}`)).statusCode).toBe(
      204,
    );
    // Heartbeats every 150 ms; one credential check answers for 5 s.
    await within(byHeader.ended, 10_000, 'the stream opened with the header');
    await within(byTicket.ended, 10_000, 'the stream opened with a ticket');
    // A ticket the revoked session obtained earlier no longer opens anything.
    expect((await connectSse(`${url}?ticket=${unusedTicket}`)).status).toBe(401);
    // The same user's other login still streams live.
    expect(otherEnded).toBe(false);
    await checkIn(t, admin, dep.id);
    await other.until((f) => f.some((x) => x.event === 'visit.checked_in'));
    expect(otherEnded).toBe(false);
    other.close();
  });
});
