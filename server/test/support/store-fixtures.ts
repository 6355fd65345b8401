import { randomBytes, randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import type {
  AuditEntry,
  CheckInWrite,
  IdempotencyClaim,
  NewVisit,
  Page,
  Recorded,
  Transactor,
  TxStores,
} from '../../src/application/ports.js';
import type { Department } from '../../src/domain/department.js';
import { DomainError, type DomainErrorCode } from '../../src/domain/errors.js';
import { defaultFairnessPolicy } from '../../src/domain/queue-order.js';
import { transition, type VisitAction } from '../../src/domain/state-machine.js';
import type { Priority } from '../../src/domain/visit.js';
import type { DatabaseHandle } from '../../src/infrastructure/postgres/pg-database.js';

/**
 * Test data for the store contract suite: every test makes its own departments (codes are
 * unique per database), so tests share one database without seeing each other's queues.
 */

const usedCodes = new Set<string>();

/** A fresh department code: 6 random upper-case letters, never repeated in this process. */
export const uniqueCode = (): string => {
  for (;;) {
    const code = Array.from(randomBytes(6), (b) => String.fromCharCode(65 + (b % 26))).join('');
    if (!usedCodes.has(code)) {
      usedCodes.add(code);
      return code;
    }
  }
};

export const uniqueName = (prefix: string): string => `${prefix}_${randomBytes(4).toString('hex')}`;

/** `'2030-03-10'` + `'08:15'` → that UTC moment. */
export const at = (day: string, hhmm: string): Date => new Date(`${day}T${hhmm}:00Z`);

export const minutesAfter = (d: Date, minutes: number): Date =>
  new Date(d.getTime() + minutes * 60_000);

export const auditEntry = (action: string, entityId: string | null): AuditEntry => ({
  actor: { type: 'system', id: 'contract-test' },
  action,
  entity: 'visit',
  entityId,
  meta: { ip: '127.0.0.1', requestId: `req-${randomBytes(4).toString('hex')}` },
  after: { note: 'contract' },
});

export const createDepartment = (
  tx: Transactor,
  options: { serviceDay: string; code?: string; name?: string },
): Promise<Department> =>
  tx.run(({ departments }) =>
    departments.create({
      code: options.code ?? uniqueCode(),
      name: options.name ?? 'Contract department',
      policy: defaultFairnessPolicy,
      serviceDay: options.serviceDay,
    }),
  );

export const newVisit = (
  department: Pick<Department, 'id' | 'code'>,
  options: {
    serviceDay: string;
    checkedInAt: Date;
    priority?: Priority;
    displayName?: string | null;
  },
): NewVisit => ({
  id: randomUUID(),
  departmentId: department.id,

  serviceDay: options.serviceDay,
  publicToken: randomBytes(18).toString('base64url'),
  priority: options.priority ?? 'normal',
  patient: { displayName: options.displayName ?? null, phone: null },
  checkedInAt: options.checkedInAt,
  transferredFromVisitId: null,
});

/** The check-in was recorded (the department exists and is active). */
export const recorded = async (pending: Promise<CheckInWrite>): Promise<Recorded> => {
  const result = await pending;
  if (result.kind !== 'recorded') throw new Error(`insertCheckedIn wrote nothing: ${result.kind}`);
  return result.recorded;
};

/** One check-in in its own transaction. */
export const checkIn = (
  tx: Transactor,
  department: Pick<Department, 'id' | 'code'>,
  options: Parameters<typeof newVisit>[1],
  claim: IdempotencyClaim | null = null,
): Promise<Recorded> =>
  tx.run(({ visits }) => {
    const visit = newVisit(department, options);
    return recorded(visits.insertCheckedIn(visit, auditEntry('visit.checked_in', visit.id), claim));
  });

/** Locks the visit, lets the state machine decide, saves — as the use cases do. */
export const applyTransition = (
  tx: Transactor,
  visitId: string,
  action: VisitAction,
  when: Date,
): Promise<Recorded> =>
  tx.run(async ({ visits }) => {
    const before = await visits.lockById(visitId);
    if (before === null) throw new Error(`visit ${visitId} not found`);
    const result = transition(before, action, { at: when, actorId: null });
    if (!result.ok) throw result.error;
    const after = { ...before, ...result.changes };
    return visits.saveTransition(
      before,
      after,
      result.event,
      auditEntry(result.event, before.id),
      when,
    );
  });

/** The DomainError code a promise rejects with (fails the test if it resolves or throws else). */
export const domainErrorCode = async (promise: Promise<unknown>): Promise<DomainErrorCode> => {
  try {
    await promise;
  } catch (e) {
    if (e instanceof DomainError) return e.code;
    throw e;
  }
  throw new Error('expected a DomainError, but the promise resolved');
};

export const countRows = async (
  handle: DatabaseHandle,
  query: ReturnType<typeof sql<{ n: number }>>,
): Promise<number> => Number((await query.execute(handle.db)).rows[0]?.n ?? -1);

export const counterOf = async (
  handle: DatabaseHandle,
  departmentId: string,
): Promise<{ service_day: string; last_seq: number; last_event_id: number }> => {
  const { rows } = await sql<{ service_day: string; last_seq: number; last_event_id: number }>`
    SELECT service_day, last_seq, last_event_id FROM department_counters
    WHERE department_id = ${departmentId}`.execute(handle.db);
  const row = rows[0];
  if (row === undefined) throw new Error(`no counter row for ${departmentId}`);
  return row;
};

export const eventIdsOf = async (
  handle: DatabaseHandle,
  departmentId: string,
): Promise<number[]> => {
  const { rows } = await sql<{ event_id: number }>`
    SELECT event_id FROM visit_events WHERE department_id = ${departmentId}
    ORDER BY event_id`.execute(handle.db);
  return rows.map((r) => Number(r.event_id));
};

export const oneToN = (n: number): number[] => Array.from({ length: n }, (_, i) => i + 1);

/**
 * Takes locks in a transaction that then stays open, as a concurrent request would hold
 * them, until `release()`; resolves once `lock` is done. `then` runs after the release, on
 * what `lock` returned, before the commit; `committed` settles with the transaction.
 */
export const holdLocks = async <L, R = undefined>(
  tx: Transactor,
  lock: (stores: TxStores) => Promise<L>,
  then?: (stores: TxStores, held: L) => Promise<R>,
): Promise<{ release: () => void; committed: Promise<R | undefined> }> => {
  let held!: () => void;
  const isHeld = new Promise<void>((resolve) => (held = resolve));
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  const committed = tx.run(async (stores) => {
    const taken = await lock(stores);
    held();
    await released;
    return then?.(stores, taken);
  });
  await Promise.race([isHeld, committed]); // a failing `lock` rejects here
  return { release, committed };
};

/**
 * Resolves once `n` sessions of this database wait for a lock (`pg_stat_activity`): the
 * waiters are seen blocked, not merely slow. Fails as soon as `finished()` says a would-be
 * waiter got through instead, or after `timeoutMs`. Postgres only (PGlite has one session).
 */
export const untilWaitingForLocks = async (
  handle: DatabaseHandle,
  n: number,
  finished: () => boolean,
  timeoutMs = 5_000,
): Promise<void> => {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    if (finished()) throw new Error('a transaction expected to wait for a lock went through');
    const waiting = await countRows(
      handle,
      sql`SELECT count(*)::int AS n FROM pg_stat_activity
        WHERE datname = current_database() AND wait_event_type = 'Lock'`,
    );
    if (waiting >= n) return;
    if (performance.now() > deadline) {
      throw new Error(`${waiting} of ${n} transactions wait for a lock after ${timeoutMs} ms`);
    }
    await sleep(10);
  }
};

type Lister<T> = (page: Page) => Promise<{ items: T[]; nextCursor: string | null }>;

/**
 * Pages through a keyset-paginated list, starting right after the `skip` oldest rows (those
 * other tests created before this one): one page of `skip` rows, then pages of `limit`.
 * Returns the pages after the skipped rows and the cursor each page returned.
 */
export const pagesAfter = async <T>(
  list: Lister<T>,
  skip: number,
  limit: number,
): Promise<{ pages: T[][]; cursors: (string | null)[] }> => {
  let cursor: string | null = null;
  if (skip > 0) {
    const first = await list({ cursor: null, limit: skip });
    if (first.items.length !== skip) throw new Error('fewer rows than expected to skip');
    cursor = first.nextCursor;
    if (cursor === null) return { pages: [], cursors: [] };
  }
  const pages: T[][] = [];
  const cursors: (string | null)[] = [];
  for (let guard = 0; guard < 10; guard++) {
    const page = await list({ cursor, limit });
    pages.push(page.items);
    cursors.push(page.nextCursor);
    if (page.nextCursor === null) break;
    cursor = page.nextCursor;
  }
  return { pages, cursors };
};

export const sleep = (ms: number): Promise<void> =>
  new Promise((resolve) => setTimeout(resolve, ms));

/** What every section of the contract suite works with; filled in by `beforeAll`. */
export interface StoreContext {
  readonly handle: DatabaseHandle;
  readonly tx: Transactor;
}

export type GetContext = () => StoreContext;
