import { sql, type Kysely } from 'kysely';
import type {
  AuditEntry,
  IdempotencyClaim,
  NewVisit,
  Recorded,
  VisitStore,
} from '../../application/ports.js';
import type { VisitEventType } from '../../domain/state-machine.js';
import type { Visit } from '../../domain/visit.js';
import { auditColumns, auditValues } from './audit.repository.js';
import type { Database, VisitRow } from './schema.js';
import { changedColumns, snapshotToVisit, toVisit } from './visit.mapper.js';

type RecordedRow = VisitRow & { event_id: number };
/** The check-in statement's one row: visit columns are null when nothing was inserted. */
type CheckInRow = { department_found: number } & {
  [K in keyof RecordedRow]: RecordedRow[K] | null;
};

const recorded = (row: RecordedRow | undefined, type: VisitEventType, at: Date): Recorded => {
  if (row === undefined) throw new Error('visit write matched no row');
  const { event_id, ...visitRow } = row;
  const visit = toVisit(visitRow);
  return {
    visit,
    event: {
      departmentId: visit.departmentId,
      eventId: event_id,
      type,
      visit,
      serviceDay: visit.serviceDay,
      occurredAt: at,
    },
  };
};

/** SQL twin of `formatTicket` (domain/ticket.ts); the contract tests hold them equal. */
const ticketSql = sql`c.code || '-' || CASE WHEN c.last_seq < 1000 THEN lpad(c.last_seq::text, 3, '0') ELSE c.last_seq::text END`;

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
   * (STACK.md: one statement holding the lock runs 2.2× the SELECT … FOR UPDATE pattern).
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
    const claimSql =
      claim === null
        ? sql`SELECT 1 AS ok FROM d`
        : sql`INSERT INTO idempotency_keys (credential, key, fingerprint, visit_id, response_status, created_at)
            SELECT ${claim.credential}, ${claim.key}, ${claim.fingerprint}, ${v.id}, 201, ${v.checkedInAt}::timestamptz FROM d
            ON CONFLICT (credential, key) DO NOTHING
            RETURNING 1 AS ok`;
    const result = await sql<CheckInRow>`
      WITH d AS (
        SELECT id, code FROM departments WHERE id = ${v.departmentId} AND active
      ), i AS (
        ${claimSql}
      ), c AS (
        UPDATE department_counters dc
        SET last_seq = CASE WHEN dc.service_day >= ${v.serviceDay}::date THEN dc.last_seq + 1 ELSE 1 END,
            service_day = GREATEST(dc.service_day, ${v.serviceDay}::date),
            last_event_id = dc.last_event_id + 1
        FROM d
        WHERE dc.department_id = d.id AND EXISTS (SELECT 1 FROM i)
        RETURNING dc.service_day, dc.last_seq, dc.last_event_id, d.code
      ), v AS (
        INSERT INTO visits (id, department_id, service_day, seq, ticket, public_token, priority,
          state, version, display_name, phone, checked_in_at, queued_at, transferred_from_visit_id)
        SELECT ${v.id}, ${v.departmentId}, c.service_day, c.last_seq, ${ticketSql},
          ${v.publicToken}, ${v.priority}, 'WAITING', 1, ${v.patient.displayName}, ${v.patient.phone},
          ${v.checkedInAt}, ${v.checkedInAt}, ${v.transferredFromVisitId}
        FROM c
        RETURNING *
      ), e AS (
        INSERT INTO visit_events (department_id, event_id, type, visit_id, visit, service_day, occurred_at)
        SELECT v.department_id, c.last_event_id, 'visit.checked_in', v.id, to_jsonb(v), v.service_day,
          ${v.checkedInAt}
        FROM v, c
      ), a AS (
        INSERT INTO audit_events ${auditColumns}
        SELECT * FROM (VALUES ${auditValues(audit, v.checkedInAt)}) x WHERE EXISTS (SELECT 1 FROM c)
      )
      SELECT (SELECT count(*) FROM d)::int AS department_found, v.*, c.last_event_id AS event_id
      FROM (SELECT 1) AS one LEFT JOIN v ON true LEFT JOIN c ON true`.execute(db);
    const row = result.rows[0];
    if (row === undefined || row.department_found === 0) return { kind: 'no_department' };
    if (row.id === null) return { kind: 'claim_taken' };
    const { department_found: _found, ...recordedRow } = row;
    return {
      kind: 'recorded',
      recorded: recorded(recordedRow as RecordedRow, 'visit.checked_in', v.checkedInAt),
    };
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
    return row === undefined ? null : snapshotToVisit(row.visit);
  },
});
