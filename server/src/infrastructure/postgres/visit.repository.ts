import { sql, type Kysely } from 'kysely';
import type {
  AuditEntry,
  CheckInWrite,
  IdempotencyClaim,
  NewVisit,
  Recorded,
  VisitStore,
} from '../../application/ports.js';
import type { VisitEventType } from '../../domain/state-machine.js';
import type { Visit } from '../../domain/visit.js';
import { decodeVisit } from '../event-codec.js';
import { auditColumns, auditValues } from './audit.repository.js';
import { batchCheckIn, type BatchItem } from './check-in-batch.statement.js';
import { singleCheckIn, writeOf, type CheckInRow } from './check-in.statements.js';
import { runStatement } from './prepared-statements.js';
import type { Database, VisitRow } from './schema.js';
import { changedColumns, toRecorded, toVisit } from './visit.mapper.js';

type RecordedRow = VisitRow & { event_id: number };

const recorded = (row: RecordedRow | undefined, type: VisitEventType, at: Date): Recorded => {
  if (row === undefined) throw new Error('visit write matched no row');
  const { event_id, ...visitRow } = row;
  return toRecorded(visitRow, event_id, type, at);
};

/**
 * Several check-ins of one service day (one department or several) as one autocommit
 * statement (group commit, ADR 10): one answer per item, in the items' order. Throws if
 * the statement fails — then nothing of the batch was written.
 */
export const insertCheckedInBatch = async (
  db: Kysely<Database>,
  serviceDay: string,
  items: readonly BatchItem[],
): Promise<CheckInWrite[]> => {
  const { statement, params } = batchCheckIn(serviceDay, items);
  const { rows } = await runStatement<CheckInRow & { ord: number }>(db, statement, params);
  const byOrd = new Map(rows.map((r) => [r.ord, r]));
  return items.map((item, ord) => writeOf(byOrd.get(ord), item.visit.checkedInAt));
};

export const makeVisitStore = (db: Kysely<Database>): VisitStore => ({
  findById: async (id) => {
    const row = await db.selectFrom('visits').selectAll().where('id', '=', id).executeTakeFirst();
    return row === undefined ? null : toVisit(row);
  },

  findByPublicToken: async (publicToken) => {
    const row = await db
      .selectFrom('visits')
      .selectAll()
      .where('public_token', '=', publicToken)
      .executeTakeFirst();
    return row === undefined ? null : toVisit(row);
  },

  lockById: async (id) => {
    const row = await db
      .selectFrom('visits')
      .selectAll()
      .where('id', '=', id)
      .forUpdate()
      .executeTakeFirst();
    return row === undefined ? null : toVisit(row);
  },

  /**
   * A check-in is one statement, safe to run on its own (autocommit): it claims the
   * idempotency key, takes the department counter's row lock (next seq of the service day
   * and next event number), inserts the visit, its event and its audit row. The row lock is
   * then held only while this statement runs and commits — no round trip back to the
   * application in between — which is what bounds check-in throughput per department
   * (docs/adr/0002-one-statement-check-in.md: one statement holding the lock runs 2.2× the SELECT … FOR UPDATE pattern).
   *
   * Order inside the statement matters and is forced by data dependencies: the counter
   * UPDATE only runs if the key claim inserted a row (`EXISTS (SELECT 1 FROM i)` is an
   * uncorrelated sub-plan, evaluated before any counter row is locked). A twin request with
   * the same key therefore waits on the key's unique index — not on the department — until
   * the first commits, then inserts nothing and is answered from the record.
   *
   * The counter never moves back a day: if this instance's clock is behind the one that
   * last wrote it, the newer service day wins and numbering carries on without reuse.
   */
  insertCheckedIn: async (v: NewVisit, audit: AuditEntry, claim: IdempotencyClaim | null) => {
    const { statement, params } = singleCheckIn(v, audit, claim);
    const { rows } = await runStatement<CheckInRow>(db, statement, params);
    return writeOf(rows[0], v.checkedInAt);
  },

  /**
   * The caller holds the visit's row lock and has checked its version; this writes the
   * new state, takes the department's next event number and appends event + audit row in
   * one statement, so the counter lock is held for one round trip before COMMIT.
   */
  saveTransition: async (
    before: Visit,
    after: Visit,
    type: VisitEventType,
    audit: AuditEntry,
    occurredAt: Date,
  ) => {
    const c = changedColumns(after);
    const result = await sql<RecordedRow>`
      WITH u AS (
        UPDATE visits SET state = ${c.state}, version = ${c.version}, room_id = ${c.room_id},
          called_by = ${c.called_by}, call_count = ${c.call_count}, queued_at = ${c.queued_at},
          called_at = ${c.called_at}, started_at = ${c.started_at}, ended_at = ${c.ended_at},
          transferred_to_visit_id = ${c.transferred_to_visit_id}, cancel_reason = ${c.cancel_reason}
        WHERE id = ${before.id} AND version = ${before.version}
        RETURNING *
      ), c AS (
        UPDATE department_counters SET last_event_id = last_event_id + 1
        WHERE department_id = ${before.departmentId} AND EXISTS (SELECT 1 FROM u)
        RETURNING last_event_id
      ), e AS (
        INSERT INTO visit_events (department_id, event_id, type, visit_id, visit, service_day, occurred_at)
        SELECT u.department_id, c.last_event_id, ${type}, u.id, to_jsonb(u), u.service_day, ${occurredAt}
        FROM u, c
      ), a AS (
        INSERT INTO audit_events ${auditColumns}
        SELECT * FROM (VALUES ${auditValues(audit, occurredAt)}) x WHERE EXISTS (SELECT 1 FROM u)
      )
      SELECT u.*, c.last_event_id AS event_id FROM u, c`.execute(db);
    return recorded(result.rows[0], type, occurredAt);
  },

  checkInSnapshot: async (visitId) => {
    const row = await db
      .selectFrom('visit_events')
      .select('visit')
      .where('visit_id', '=', visitId)
      .where('type', '=', 'visit.checked_in')
      .executeTakeFirst();
    if (row === undefined) return null;
    const visit = decodeVisit(row.visit);
    if (visit === null) throw new Error(`the check-in event of visit ${visitId} is not a visit`);
    return visit;
  },
});
