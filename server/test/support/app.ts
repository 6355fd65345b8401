import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import pino from 'pino';
import type { Clock } from '../../src/application/ports.js';
import { composeApp, migrateDatabase, type Services } from '../../src/compose.js';
import { loadConfig, type Config } from '../../src/config.js';
import type { DatabaseHandle } from '../../src/infrastructure/postgres/pg-database.js';
import { makeTransactor } from '../../src/infrastructure/postgres/transactor.js';
import { makeArgon2Hasher } from '../../src/infrastructure/security/argon2-hasher.js';
import { systemClock } from '../../src/infrastructure/time/system-clock.js';

export const TEST_PASSWORD = 'Corr3ct-Horse-Battery!';
export const TEST_JWT_SECRET = 'test-only-jwt-key-0123456789abcdefghijklmnop';
const ADMIN_TOKEN_REUSE_MS = 10 * 60_000;

export const testConfig = (overrides: NodeJS.ProcessEnv = {}): Config =>
  loadConfig({
    NODE_ENV: 'test',
    JWT_SECRET: TEST_JWT_SECRET,
    LOG_LEVEL: 'silent',
    // HTTP tests send hundreds of requests a minute from 127.0.0.1; security tests lower these.
    RATE_LIMIT_GLOBAL_PER_MINUTE: '1000000',
    RATE_LIMIT_LOGIN_PER_MINUTE: '1000000',
    RATE_LIMIT_CHECKIN_PER_MINUTE: '1000000',
    ...overrides,
  }).config;

/** A clock tests can move. */
export type ManualClock = Clock & { set(d: Date): void; advance(ms: number): void };

/**
 * A clock that moves only when told; moments waited for (`wakeAt`) fire, in time order, as
 * `set` or `advance` passes them — as the wall clock's timers would.
 */
export const manualClock = (start = new Date()): ManualClock => {
  let now = start;
  let waits: { at: number; wake: () => void }[] = [];
  const fireDue = (): void => {
    for (;;) {
      const due = waits.filter((w) => w.at <= now.getTime()).sort((a, b) => a.at - b.at)[0];
      if (due === undefined) return;
      waits = waits.filter((w) => w !== due);
      due.wake();
    }
  };
  return {
    now: () => now,
    wakeAt: (at, wake) => {
      const w = { at: at.getTime(), wake };
      waits.push(w);
      // A moment already reached fires soon, not inside the caller's own call.
      if (w.at <= now.getTime()) queueMicrotask(fireDue);
      return () => {
        waits = waits.filter((x) => x !== w);
      };
    },
    set: (d) => {
      now = d;
      fireDue();
    },
    advance: (ms) => {
      now = new Date(now.getTime() + ms);
      fireDue();
    },
  };
};

export interface TestApp {
  readonly app: FastifyInstance;
  readonly services: Services;
  readonly handle: DatabaseHandle;
  /** Staff token for a user created directly in the database. */
  tokenFor(user: {
    username: string;
    role: 'admin' | 'reception' | 'doctor';
    departmentIds?: string[];
  }): Promise<string>;
  adminToken(): Promise<string>;
  close(): Promise<void>;
}

export const startTestApp = async (
  handle: DatabaseHandle,
  options: { clock?: Clock; config?: Config; heartbeatMs?: number; webDistDir?: string } = {},
): Promise<TestApp> => {
  const config = options.config ?? testConfig();
  const logger = pino({ level: 'silent' });
  // As main.ts starts: migrate (a no-op on the migrated templates tests clone), then compose.
  await migrateDatabase(config, handle, logger);
  const { app, services } = await composeApp(config, handle, logger, {
    ...(options.clock && { clock: options.clock }),
    ...(options.webDistDir !== undefined && { webDistDir: options.webDistDir }),
    ...(options.heartbeatMs !== undefined && { heartbeatMs: options.heartbeatMs }),
  });
  await app.ready();
  const hasher = makeArgon2Hasher();
  const clock = options.clock ?? systemClock;
  const tx = makeTransactor(handle.db, clock);

  const login = async (username: string): Promise<string> => {
    const res = await app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { username, password: TEST_PASSWORD },
    });
    if (res.statusCode !== 200) throw new Error(`login failed: ${res.statusCode} ${res.body}`);
    return res.json<{ accessToken: string }>().accessToken;
  };

  const tokenFor: TestApp['tokenFor'] = async ({ username, role, departmentIds = [] }) => {
    const passwordHash = await hasher.hash(TEST_PASSWORD);
    await tx.run(({ users }) => users.create({ username, passwordHash, role, departmentIds }));
    return login(username);
  };

  // Access tokens live 15 minutes by the app's clock; tests that move a manual clock past
  // that get a fresh admin token (a new login) instead of one that has expired.
  let admin: { token: Promise<string>; issuedAt: number } | undefined;
  const adminToken = (): Promise<string> => {
    const now = clock.now().getTime();
    if (admin === undefined) {
      admin = { token: tokenFor({ username: 'admin', role: 'admin' }), issuedAt: now };
    } else if (now - admin.issuedAt > ADMIN_TOKEN_REUSE_MS) {
      admin = { token: admin.token.then(() => login('admin')), issuedAt: now };
    }
    return admin.token;
  };

  return {
    app,
    services,
    handle,
    tokenFor,
    adminToken,
    // app.close() also closes the database handle (onClose hook).
    close: () => app.close(),
  };
};

/**
 * Puts an app on a real socket, a free port on 127.0.0.1, and returns its base URL: for what
 * `app.inject()` cannot show (streams, concurrent clients, a proxy in front). `app.close()`
 * (or the TestApp's `close()`) stops listening.
 */
export const listen = async (app: FastifyInstance): Promise<string> => {
  await app.listen({ host: '127.0.0.1', port: 0 });
  return `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
};

export const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

/** Creates a department with rooms through the admin API. */
export const createDepartment = async (
  t: TestApp,
  code: string,
  options: { rooms?: string[]; priorityBurst?: number; maxWaitMinutes?: number } = {},
): Promise<{ id: string; code: string; roomIds: string[] }> => {
  const headers = bearer(await t.adminToken());
  const res = await t.app.inject({
    method: 'POST',
    url: '/api/v1/admin/departments',
    headers,
    payload: {
      code,
      name: `Department ${code}`,
      ...(options.priorityBurst !== undefined && { priorityBurst: options.priorityBurst }),
      ...(options.maxWaitMinutes !== undefined && { maxWaitMinutes: options.maxWaitMinutes }),
    },
  });
  if (res.statusCode !== 201) throw new Error(`create department: ${res.statusCode} ${res.body}`);
  const id = res.json<{ department: { id: string } }>().department.id;
  const roomIds: string[] = [];
  for (const name of options.rooms ?? ['Room 1']) {
    const r = await t.app.inject({
      method: 'POST',
      url: `/api/v1/admin/departments/${id}/rooms`,
      headers,
      payload: { name },
    });
    if (r.statusCode !== 201) throw new Error(`create room: ${r.statusCode} ${r.body}`);
    roomIds.push(r.json<{ room: { id: string } }>().room.id);
  }
  return { id, code, roomIds };
};

export const createKiosk = async (t: TestApp, departmentIds: string[]): Promise<string> => {
  const res = await t.app.inject({
    method: 'POST',
    url: '/api/v1/admin/kiosks',
    headers: bearer(await t.adminToken()),
    payload: { name: 'Kiosk', departmentIds },
  });
  if (res.statusCode !== 201) throw new Error(`create kiosk: ${res.statusCode} ${res.body}`);
  return res.json<{ token: string }>().token;
};

export interface VisitBody {
  id: string;
  seq: number;
  ticket: string;
  state: string;
  version: number;
  priority: string;
  patient?: { displayName: string | null; phone: string | null };
}

let keyCounter = 0;
export const checkIn = async (
  t: TestApp,
  token: string,
  departmentId: string,
  extra: { priority?: string; displayName?: string; key?: string } = {},
): Promise<VisitBody> => {
  const res = await t.app.inject({
    method: 'POST',
    url: '/api/v1/checkins',
    headers: {
      ...bearer(token),
      'idempotency-key': extra.key ?? `key-${(keyCounter += 1)}-${Date.now()}`,
    },
    payload: {
      departmentId,
      ...(extra.priority !== undefined && { priority: extra.priority }),
      ...(extra.displayName !== undefined && { patient: { displayName: extra.displayName } }),
    },
  });
  if (res.statusCode !== 201) throw new Error(`check-in: ${res.statusCode} ${res.body}`);
  return res.json<{ visit: VisitBody }>().visit;
};
