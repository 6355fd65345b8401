import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  bearer,
  createDepartment,
  createKiosk,
  startTestApp,
  testConfig,
  type TestApp,
} from '../support/app.js';
import { freshPostgres, type TestDatabase } from '../support/postgres.js';

/**
 * A refused check-in leaves nothing in flight: with the Redis idempotency guard, a retry
 * with the same key gets the same refusal (API.md: 404 unknown or inactive department,
 * 403 outside the kiosk's scope), not 409 IDEMPOTENCY_IN_PROGRESS for the guard's 15 s.
 */
const redisUrl = process.env.TEST_REDIS_URL ?? process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
let db: TestDatabase;
let t: TestApp;

beforeAll(async () => {
  db = await freshPostgres();
  t = await startTestApp(db.handle, { config: testConfig({ REDIS_URL: redisUrl }) });
});

afterAll(async () => {
  await t.close();
  await db.drop();
});

const post = (token: string, departmentId: string, key: string) =>
  t.app.inject({
    method: 'POST',
    url: '/api/v1/checkins',
    headers: { ...bearer(token), 'idempotency-key': key },
    payload: { departmentId },
  });

describe('a refused check-in, retried with the same key', () => {
  it.each([
    ['outside the kiosk’s scope', 403, 'FORBIDDEN'],
    ['unknown', 404, 'NOT_FOUND'],
  ] as const)('%s: the same refusal each time', async (_what, status, code) => {
    const mine = await createDepartment(t, `RF${status === 403 ? 'A' : 'B'}`);
    const other = await createDepartment(t, `RF${status === 403 ? 'C' : 'D'}`);
    const kiosk = await createKiosk(t, [mine.id]);
    const target = status === 403 ? other.id : randomUUID();
    const key = `refused-${status}`;
    for (let attempt = 1; attempt <= 3; attempt += 1) {
      const res = await post(kiosk, target, key);
      expect(res.statusCode, `attempt ${attempt}: ${res.body}`).toBe(status);
      expect(res.json<{ code: string }>().code).toBe(code);
    }
    // The key is free for the check-in the patient meant to make.
    const ok = await post(kiosk, mine.id, `${key}-then`);
    expect(ok.statusCode).toBe(201);
  });
});
