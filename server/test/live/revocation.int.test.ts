import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, createDepartment, startTestApp, type TestApp } from '../support/app.js';
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
  await t.app.listen({ host: '127.0.0.1', port: 0 });
  base = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
  admin = await t.adminToken();
});

afterAll(async () => {
  await t.close();
  await db.drop();
});

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
    await new Promise((r) => setTimeout(r, 400));
    expect(sse.raw).toContain(': ping\n\n');
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
});
