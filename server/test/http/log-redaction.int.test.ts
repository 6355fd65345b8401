import { Writable } from 'node:stream';
import type { InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { composeApp } from '../../src/compose.js';
import { createLogger } from '../../src/infrastructure/logging/logger.js';
import { makeTransactor } from '../../src/infrastructure/postgres/transactor.js';
import { makeArgon2Hasher } from '../../src/infrastructure/security/argon2-hasher.js';
import { systemClock } from '../../src/infrastructure/time/system-clock.js';
import { bearer, listen, testConfig, TEST_PASSWORD } from '../support/app.js';
import { freshPostgres, type TestDatabase } from '../support/postgres.js';
import { connectSse } from '../support/sse-client.js';

/**
 * Real log output, captured at trace level, must never contain a credential, a token or a
 * patient's name or phone — whatever the request did, including failing.
 */
const lines: string[] = [];
const sink = new Writable({
  write(chunk: Buffer, _enc, done) {
    lines.push(chunk.toString());
    done();
  },
});

let db: TestDatabase;
let app: Awaited<ReturnType<typeof composeApp>>['app'];
let base: string;

beforeAll(async () => {
  db = await freshPostgres();
  // The production logger, writing to a capture stream instead of stdout.
  const logger = createLogger({ level: 'trace' }, sink);
  ({ app } = await composeApp(testConfig({ LOG_LEVEL: 'trace' }), db.handle, logger));
  base = await listen(app);
  const hash = await makeArgon2Hasher().hash(TEST_PASSWORD);
  await makeTransactor(db.handle.db, systemClock).run(({ users }) =>
    users.create({ username: 'log-admin', passwordHash: hash, role: 'admin', departmentIds: [] }),
  );
});

afterAll(async () => {
  await app.close();
  await db.drop();
});

describe('log redaction', () => {
  it('keeps passwords, tokens, cookies, stream tickets and patient data out of the logs', async () => {
    const secrets: string[] = [TEST_PASSWORD, 'Wrong-Secret-Pass-42!'];
    const inject = (opts: InjectOptions) => app.inject(opts);

    const login = await inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { username: 'log-admin', password: TEST_PASSWORD },
    });
    await inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { username: 'log-admin', password: 'Wrong-Secret-Pass-42!' },
    });
    const { accessToken } = login.json<{ accessToken: string }>();
    const refreshCookie = login.cookies.find((c) => c.name === 'mq_refresh')?.value ?? '';
    secrets.push(accessToken, refreshCookie);

    const dep = await inject({
      method: 'POST',
      url: '/api/v1/admin/departments',
      headers: bearer(accessToken),
      payload: { code: 'LOG', name: 'Logs' },
    });
    const departmentId = dep.json<{ department: { id: string } }>().department.id;
    const kiosk = await inject({
      method: 'POST',
      url: '/api/v1/admin/kiosks',
      headers: bearer(accessToken),
      payload: { name: 'K', departmentIds: [departmentId] },
    });
    const kioskToken = kiosk.json<{ token: string }>().token;
    secrets.push(kioskToken, 'Ngozi Secretperson', '+243 81 555 0199');

    const checkin = await inject({
      method: 'POST',
      url: '/api/v1/checkins',
      headers: { ...bearer(kioskToken), 'idempotency-key': 'log-key-1' },
      payload: {
        departmentId,
        patient: { displayName: 'Ngozi Secretperson', phone: '+243 81 555 0199' },
      },
    });
    expect(checkin.statusCode).toBe(201);
    // A failing request with patient data in it, too.
    await inject({
      method: 'POST',
      url: '/api/v1/checkins',
      headers: { ...bearer(kioskToken), 'idempotency-key': 'log-key-2' },
      payload: {
        departmentId,
        patient: { displayName: 'Ngozi Secretperson', phone: '+243 81 555 0199' },
        extra: 1,
      },
    });
    await inject({
      method: 'POST',
      url: '/api/v1/auth/refresh',
      cookies: { mq_refresh: refreshCookie },
    });

    const ticket = (
      await inject({
        method: 'POST',
        url: '/api/v1/stream-tickets',
        headers: bearer(accessToken),
        payload: {},
      })
    ).json<{ ticket: string }>().ticket;
    secrets.push(ticket);
    const sse = await connectSse(
      `${base}/api/v1/departments/${departmentId}/events?ticket=${ticket}`,
    );
    await sse.until((f) => f.length >= 1);
    sse.close();

    const output = lines.join('');
    expect(output.length).toBeGreaterThan(1000); // the logs did capture the requests
    expect(output).toContain('/api/v1/checkins');
    for (const secret of secrets)
      expect(output, `log leaked ${secret.slice(0, 12)}…`).not.toContain(secret);
    expect(output).not.toContain('Secretperson');
    expect(output).not.toContain('555 0199');
  });
});
