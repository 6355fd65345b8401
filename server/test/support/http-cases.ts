import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { sql, type Kysely } from 'kysely';
import { expect } from 'vitest';
import { bearer, checkIn, type TestApp, type VisitBody } from './app.js';

/**
 * Shared pieces of the table-driven HTTP batteries (bad input, access): the registered
 * route list, the problem-details assertion, a database fingerprint and visits in a state.
 */

/**
 * Every registered `/api/v1` route as `METHOD /path` (HEAD, which Fastify adds for each
 * GET, left out), parsed from `printRoutes`: a table that must match this list fails when a
 * route is added without an entry.
 */
export const registeredApiRoutes = (app: FastifyInstance): string[] => {
  const tree = app.printRoutes({ commonPrefix: false });
  const stack: string[] = [];
  const routes: string[] = [];
  for (const line of tree.split('\n')) {
    const match = /^([\s│├└─]*)(\S.*)$/.exec(line);
    if (match === null) continue;
    const depth = Math.floor((match[1] ?? '').length / 4);
    const node = /^(.*?)(?: \(([A-Z, ]+)\))?$/.exec(match[2] ?? '');
    const segment = node?.[1] ?? '';
    stack.length = depth;
    stack.push(segment);
    const path = stack.join('');
    if (!path.startsWith('/api/v1/')) continue;
    for (const method of (node?.[2] ?? '').split(', ')) {
      if (method !== '' && method !== 'HEAD') routes.push(`${method} ${path}`);
    }
  }
  return routes.sort();
};

const aString: unknown = expect.any(String);

/** Words that only appear in a response when internals leak. */
const leaks = [/\n\s+at /, /SELECT/, /INSERT/, /node_modules/, /Error:/];

/**
 * Asserts an RFC 9457 problem response (docs/api.md, Errors) with the given status and, when
 * given, code; returns the body.
 */
/** What the assertions read of a response: `inject()`'s, or one adapted from `fetch`. */
export type HttpResult = Pick<LightMyRequestResponse, 'statusCode' | 'headers' | 'body' | 'json'>;

export const expectProblem = (
  res: HttpResult,
  status: number,
  code?: string,
  label = '',
): Record<string, unknown> => {
  const what = `${label} → ${res.statusCode} ${res.body.slice(0, 300)}`;
  expect.soft(res.statusCode, what).toBe(status);
  expect.soft(String(res.headers['content-type']), what).toMatch(/^application\/problem\+json/);
  for (const leak of leaks) expect.soft(res.body, what).not.toMatch(leak);
  let body: Record<string, unknown> = {};
  try {
    body = res.json();
  } catch {
    expect.soft(res.body, `${what}: body is JSON`).toBe('a JSON body');
  }
  expect.soft(body, what).toMatchObject({
    type: aString,
    title: aString,
    status: res.statusCode,
    code: aString,
    detail: aString,
    requestId: aString,
  });
  if (code !== undefined) expect.soft(body.code, what).toBe(code);
  if (body.code === 'VALIDATION_FAILED' && 'errors' in body) expectErrorsArray(body, what);
  return body;
};

/** `errors: [{ path, message }]`, at least one. */
export const expectErrorsArray = (body: Record<string, unknown>, label = ''): void => {
  const errors = body.errors;
  expect.soft(Array.isArray(errors), `${label}: errors is an array`).toBe(true);
  if (!Array.isArray(errors)) return;
  expect.soft(errors.length, `${label}: errors is not empty`).toBeGreaterThan(0);
  for (const e of errors) {
    expect.soft(e, label).toMatchObject({ path: aString, message: aString });
  }
};

/**
 * A fingerprint of everything a request could change: the row count of every table (found
 * in the catalogue, so a new table is covered without an edit here), plus sums that move
 * on an update without an insert (visit versions, active flags).
 */
export const dbFingerprint = async <DB>(db: Kysely<DB>): Promise<Record<string, number>> => {
  const tables = await sql<{ name: string }>`
    SELECT table_name AS name FROM information_schema.tables
    WHERE table_schema = 'public' AND table_type = 'BASE TABLE'
      AND table_name NOT LIKE 'kysely\\_%'
    ORDER BY table_name`.execute(db);
  const counts = tables.rows.map(
    ({ name }) => sql`(SELECT count(*) FROM ${sql.table(name)})::int AS ${sql.ref(name)}`,
  );
  const { rows } = await sql<Record<string, number>>`
    SELECT ${sql.join(counts)},
      (SELECT coalesce(sum(version), 0) FROM visits)::int AS visit_versions,
      (SELECT count(*) FILTER (WHERE active) FROM departments)::int AS active_departments,
      (SELECT count(*) FILTER (WHERE active) FROM rooms)::int AS active_rooms,
      (SELECT count(*) FILTER (WHERE active) FROM users)::int AS active_users,
      (SELECT count(*) FILTER (WHERE active) FROM devices)::int AS active_devices`.execute(db);
  return rows[0] ?? {};
};

export type VisitState = 'WAITING' | 'CALLED' | 'IN_CONSULTATION' | 'NO_SHOW';

/**
 * A fresh visit in `state`, moved there by `token` (an admin): a new check-in, then the
 * transitions that lead to the state. Returns the visit as it now is (id and version).
 */
export const visitIn = async (
  t: TestApp,
  token: string,
  department: { id: string; roomIds: string[] },
  state: VisitState,
  displayName?: string,
): Promise<VisitBody> => {
  let visit = await checkIn(t, token, department.id, {
    ...(displayName !== undefined && { displayName }),
  });
  const step = async (action: string, body: Record<string, unknown> = {}) => {
    const res = await t.app.inject({
      method: 'POST',
      url: `/api/v1/visits/${visit.id}/${action}`,
      headers: bearer(token),
      payload: { version: visit.version, ...body },
    });
    if (res.statusCode !== 200) throw new Error(`${action}: ${res.statusCode} ${res.body}`);
    visit = res.json<{ visit: VisitBody }>().visit;
  };
  if (state === 'WAITING') return visit;
  await step('call', { roomId: department.roomIds[0] });
  if (state === 'IN_CONSULTATION') await step('start');
  if (state === 'NO_SHOW') await step('no-show');
  return visit;
};

let unique = 0;
/** A department code (2–6 upper-case letters) no other call returns. */
export const uniqueCode = (prefix = 'Z'): string => {
  unique += 1;
  let n = unique;
  let letters = '';
  do {
    letters = String.fromCharCode(65 + (n % 26)) + letters;
    n = Math.floor(n / 26);
  } while (n > 0);
  return `${prefix}${letters.padStart(3, 'A')}`.slice(0, 6);
};

/** A username no other call returns. */
export const uniqueName = (prefix: string): string => {
  unique += 1;
  return `${prefix}-${unique}`;
};
