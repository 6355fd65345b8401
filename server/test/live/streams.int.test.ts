import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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
import { connectSse, eventFrames } from '../support/sse-client.js';

/** Streams on one instance (Postgres + Redis): snapshot, live events, resume, PHI-free public streams. */
const redisUrl = process.env.TEST_REDIS_URL ?? process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
let db: TestDatabase;
let t: TestApp;
let base: string;
let admin: string;

beforeAll(async () => {
  db = await freshPostgres();
  t = await startTestApp(db.handle, { config: testConfig({ REDIS_URL: redisUrl }) });
  base = await listen(t.app);
  admin = await t.adminToken();
});

afterAll(async () => {
  await t.close();
  await db.drop();
});

const post = (url: string, payload: object, token = admin) =>
  t.app.inject({ method: 'POST', url, headers: bearer(token), payload });

describe('department stream', () => {
  it('starts with a snapshot, then delivers each change with id = previous + 1', async () => {
    const dep = await createDepartment(t, 'LIVE');
    const kiosk = await createKiosk(t, [dep.id]);
    await checkIn(t, kiosk, dep.id);
    const sse = await connectSse(`${base}/api/v1/departments/${dep.id}/events`, bearer(admin));
    expect(sse.status).toBe(200);
    expect(sse.headers.get('cache-control')).toBe('no-cache');
    expect(sse.headers.get('x-accel-buffering')).toBe('no');
    await sse.until((f) => f.length >= 1);
    expect(sse.raw.startsWith('retry: 2000\n')).toBe(true);
    expect(sse.frames[0]).toMatchObject({ event: 'snapshot', id: '1' });
    await checkIn(t, kiosk, dep.id, { displayName: 'Live Patient' });
    await sse.until((f) => eventFrames(f).length >= 1);
    const [frame] = eventFrames(sse.frames);
    expect(frame).toMatchObject({ id: '2', event: 'visit.checked_in' });
    const data = JSON.parse(frame?.data ?? '{}') as {
      eventId: number;
      type: string;
      visit: { seq: number };
    };
    expect(data).toMatchObject({ eventId: 2, type: 'visit.checked_in', visit: { seq: 2 } });
    sse.close();
  });

  it('a reconnect with Last-Event-ID gets exactly the missed events, in order (header and query)', async () => {
    const dep = await createDepartment(t, 'RESUME');
    const kiosk = await createKiosk(t, [dep.id]);
    await checkIn(t, kiosk, dep.id);
    const first = await connectSse(`${base}/api/v1/departments/${dep.id}/events`, bearer(admin));
    await first.until((f) => f.length >= 1);
    const seen = first.frames[0]?.id ?? '';
    first.close();
    for (let i = 0; i < 5; i += 1) await checkIn(t, kiosk, dep.id);
    let head = 6;
    for (const url of [
      {
        url: `${base}/api/v1/departments/${dep.id}/events`,
        headers: { ...bearer(admin), 'last-event-id': seen },
      },
      {
        url: `${base}/api/v1/departments/${dep.id}/events?lastEventId=${seen}`,
        headers: bearer(admin),
      },
    ]) {
      const again = await connectSse(url.url, url.headers);
      const missed = Array.from({ length: head - 1 }, (_, i) => String(i + 2));
      await again.until((f) => f.length >= missed.length);
      // Nothing more may follow the catch-up but what happens next: the next live event is
      // the bound, and everything before it must be exactly the missed events.
      await checkIn(t, kiosk, dep.id);
      head += 1;
      await again.until((f) => f.some((frame) => frame.id === String(head)));
      expect(again.frames.map((f) => f.id)).toEqual([...missed, String(head)]);
      expect(again.frames.every((f) => f.event === 'visit.checked_in')).toBe(true);
      again.close();
    }
  });

  it('a Last-Event-ID from the future gets a fresh snapshot instead', async () => {
    const dep = await createDepartment(t, 'FUTURE');
    const sse = await connectSse(`${base}/api/v1/departments/${dep.id}/events`, {
      ...bearer(admin),
      'last-event-id': '999',
    });
    await sse.until((f) => f.length >= 1);
    expect(sse.frames[0]).toMatchObject({ event: 'snapshot', id: '0' });
    sse.close();
  });

  it('an EventSource-style client uses a single-use stream ticket', async () => {
    const dep = await createDepartment(t, 'TICKET');
    const issued = await post('/api/v1/stream-tickets', {});
    expect(issued.statusCode).toBe(201);
    const { ticket, expiresInSeconds } = issued.json<{
      ticket: string;
      expiresInSeconds: number;
    }>();
    expect(expiresInSeconds).toBe(30);
    const sse = await connectSse(`${base}/api/v1/departments/${dep.id}/events?ticket=${ticket}`);
    expect(sse.status).toBe(200);
    sse.close();
    const reused = await connectSse(`${base}/api/v1/departments/${dep.id}/events?ticket=${ticket}`);
    expect(reused.status).toBe(401);
  });

  it('refuses staff outside the department before opening a stream', async () => {
    const dep = await createDepartment(t, 'NOPE');
    const other = await createDepartment(t, 'OTHER');
    const doctor = await t.tokenFor({
      username: 'doc-nope',
      role: 'doctor',
      departmentIds: [other.id],
    });
    const sse = await connectSse(`${base}/api/v1/departments/${dep.id}/events`, bearer(doctor));
    expect(sse.status).toBe(403);
    expect(sse.raw).toContain('FORBIDDEN');
  });
});

describe('public streams carry no patient data', () => {
  it('board and ticket streams never contain the name or phone, even while that patient is called', async () => {
    const dep = await createDepartment(t, 'PHI', { rooms: ['Room 3'] });
    const kiosk = await createKiosk(t, [dep.id]);
    const boardRes = await post('/api/v1/admin/boards', {
      name: 'Waiting room',
      departmentIds: [dep.id],
    });
    expect(boardRes.statusCode).toBe(201);
    const board = boardRes.json<{ board: { id: string }; token: string }>();
    const name = 'Zyxwvut Quasimodo';
    const phone = '+243 81 999 7777';
    const created = await t.app.inject({
      method: 'POST',
      url: '/api/v1/checkins',
      headers: { ...bearer(kiosk), 'idempotency-key': 'phi-1' },
      payload: { departmentId: dep.id, patient: { displayName: name, phone } },
    });
    const visit = created.json<{ visit: { id: string; publicToken: string; ticket: string } }>()
      .visit;
    const boardSse = await connectSse(
      `${base}/api/v1/boards/${board.board.id}/events`,
      bearer(board.token),
    );
    const ticketSse = await connectSse(`${base}/api/v1/tickets/${visit.publicToken}/events`);
    await boardSse.until((f) => f.some((x) => x.event === 'snapshot'));
    await ticketSse.until((f) => f.length >= 1);
    expect(JSON.parse(ticketSse.frames[0]?.data ?? '{}')).toMatchObject({
      ticket: visit.ticket,
      state: 'WAITING',
      position: 1,
    });

    const called = await post(`/api/v1/departments/${dep.id}/call-next`, {
      roomId: dep.roomIds[0] ?? '',
    });
    expect(called.statusCode).toBe(200);
    await boardSse.until((f) =>
      f.some((x) => x.event === 'board.updated' && x.data.includes('Room 3')),
    );
    await ticketSse.until((f) => f.some((x) => x.data.includes('"CALLED"')));
    const ticketGet = await t.app.inject({
      method: 'GET',
      url: `/api/v1/tickets/${visit.publicToken}`,
    });
    expect(ticketGet.json()).toMatchObject({ state: 'CALLED', roomName: 'Room 3', position: null });
    for (const raw of [boardSse.raw, ticketSse.raw, ticketGet.body]) {
      expect(raw).not.toContain('Zyxwvut');
      expect(raw).not.toContain('Quasimodo');
      expect(raw).not.toContain('999 7777');
      expect(raw).not.toContain('displayName');
      expect(raw).not.toContain('phone');
    }
    expect(boardSse.raw).toContain(visit.ticket);
    boardSse.close();
    ticketSse.close();
  });
});
