import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  bearer,
  createDepartment,
  createKiosk,
  startTestApp,
  type TestApp,
} from '../support/app.js';
import { freshPostgres, type TestDatabase } from '../support/postgres.js';

/**
 * Property: whatever arrives — any body, any path parameter, any query — the answer is
 * never a 5xx, and every error is a problem document. Endpoints come from the served
 * OpenAPI document, so a new route is fuzzed without anyone listing it here.
 */
let db: TestDatabase;
let t: TestApp;
let tokens: { label: string; headers: Record<string, string> }[];
let realIds: string[];

beforeAll(async () => {
  db = await freshPostgres();
  t = await startTestApp(db.handle);
  const dep = await createDepartment(t, 'FUZZ');
  const kiosk = await createKiosk(t, [dep.id]);
  tokens = [
    { label: 'admin', headers: bearer(await t.adminToken()) },
    { label: 'kiosk', headers: bearer(kiosk) },
    { label: 'anonymous', headers: {} },
  ];
  realIds = [dep.id, ...dep.roomIds];
});

afterAll(async () => {
  await t.close();
  await db.drop();
});

interface Endpoint {
  method: string;
  path: string;
}

const endpoints = (): Endpoint[] => {
  const doc = t.app.swagger() as { paths: Record<string, Record<string, unknown>> };
  return Object.entries(doc.paths).flatMap(([path, ops]) =>
    Object.keys(ops)
      .filter((m) => ['get', 'post', 'patch', 'put', 'delete'].includes(m))
      // A well-formed request to a stream opens a stream that never ends; streams are
      // covered by their own tests.
      .filter(() => !path.endsWith('/events'))
      .map((method) => ({ method: method.toUpperCase(), path })),
  );
};

const segment = fc.oneof(
  fc.uuid(),
  fc.constantFrom(...['not-a-uuid', '0', '-1', '%00', 'null', '..%2F..', 'a'.repeat(300)]),
  fc.string({ minLength: 1, maxLength: 40 }).map(encodeURIComponent),
);
const json = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }),
  fc.record(
    {
      version: fc.oneof(fc.integer(), fc.string(), fc.constant(null)),
      roomId: fc.oneof(fc.uuid(), fc.string()),
      departmentId: fc.oneof(fc.uuid(), fc.string(), fc.integer()),
      priority: fc.oneof(fc.constantFrom('normal', 'priority', 'emergency'), fc.string()),
      patient: fc.oneof(
        fc.object(),
        fc.record({ displayName: fc.string({ maxLength: 200 }), phone: fc.string() }),
      ),
      code: fc.string({ maxLength: 10 }),
      name: fc.string({ maxLength: 200 }),
      username: fc.string(),
      password: fc.string(),
      role: fc.string(),
      departmentIds: fc.array(fc.oneof(fc.uuid(), fc.string()), { maxLength: 3 }),
    },
    { requiredKeys: [] },
  ),
);
const query = fc.dictionary(
  fc.constantFrom(
    'cursor',
    'limit',
    'from',
    'to',
    'action',
    'visitId',
    'actorId',
    'lastEventId',
    'ticket',
    'x',
  ),
  fc.oneof(fc.string({ maxLength: 30 }), fc.integer().map(String)),
  { maxKeys: 3 },
);

describe('fuzzing every endpoint', () => {
  it('never answers 5xx, and every error is application/problem+json', async () => {
    const list = endpoints();
    expect(list.length).toBeGreaterThan(30);
    for (const endpoint of list) {
      await fc.assert(
        fc.asyncProperty(
          fc.array(fc.oneof(segment, fc.constantFrom(...realIds)), { minLength: 3, maxLength: 3 }),
          json,
          query,
          fc.constantFrom(...tokens),
          fc.boolean(),
          async (params, body, q, who, sendBody) => {
            let i = 0;
            const url = endpoint.path.replace(
              /\{[^}]+\}/g,
              () => params[i++ % params.length] ?? 'x',
            );
            const res = await t.app.inject({
              method: endpoint.method as 'GET',
              url,
              query: q,
              headers: { ...who.headers, 'idempotency-key': `fuzz-${Math.random()}` },
              ...(sendBody &&
                endpoint.method !== 'GET' &&
                endpoint.method !== 'DELETE' && { payload: body as object }),
            });
            expect(
              res.statusCode,
              `${endpoint.method} ${url} → ${res.statusCode} ${res.body.slice(0, 200)}`,
            ).toBeLessThan(500);
            if (res.statusCode >= 400) {
              expect(
                res.headers['content-type'],
                `${endpoint.method} ${url} → ${res.statusCode} ${res.body.slice(0, 200)}`,
              ).toContain('application/problem+json');
            }
          },
        ),
        { numRuns: 25 },
      );
    }
  }, 180_000);
});
