import type {
  AuditEntry,
  CheckInWrite,
  IdempotencyClaim,
  NewVisit,
} from '../../application/ports.js';
import { defineStatement, type Statement } from './prepared-statements.js';
import type { VisitRow } from './schema.js';
import { toRecorded } from './visit.mapper.js';

/**
 * The check-in statements (ADR 2, ADR 10), as fixed texts run as named prepared statements.
 * Written with `:name` placeholders, numbered `$n` once at load.
 */

/** Every `visits` column, listed: a prepared statement's result type must never change. */
const VISIT_COLUMNS = [
  'id',
  'department_id',
  'service_day',
  'seq',
  'ticket',
  'public_token',
  'priority',
  'state',
  'version',
  'room_id',
  'called_by',
  'call_count',
  'display_name',
  'phone',
  'checked_in_at',
  'queued_at',
  'called_at',
  'started_at',
  'ended_at',
  'transferred_from_visit_id',
  'transferred_to_visit_id',
  'cancel_reason',
] as const;
const visitColumns = (alias: string): string =>
  VISIT_COLUMNS.map((c) => `${alias}.${c}`).join(', ');

/** SQL twin of `formatTicket` (domain/ticket.ts); the contract tests hold them equal. */
const ticket = (code: string, seq: string): string =>
  `${code} || '-' || CASE WHEN ${seq} < 1000 THEN lpad(${seq}::text, 3, '0') ELSE ${seq}::text END`;

interface Compiled<K extends string> {
  readonly statement: Statement;
  readonly order: readonly K[];
}

/** `:name` → `$n` (the first occurrence fixes n); `::type` casts are left alone. */
const compile = <K extends string>(name: string, text: string): Compiled<K> => {
  const order: K[] = [];
  const numbered = text.replace(/(?<!:):([a-z_]+)/g, (_, key: K) => {
    if (!order.includes(key)) order.push(key);
    return `$${order.indexOf(key) + 1}`;
  });
  return { statement: defineStatement(name, numbered.replace(/\s+/g, ' ').trim()), order };
};

const bind = <K extends string>(c: Compiled<K>, values: Record<K, unknown>): unknown[] =>
  c.order.map((k) => values[k]);

const json = (value: unknown): string | null =>
  value === undefined || value === null ? null : JSON.stringify(value);

/**
 * One check-in (ADR 2). The claim comes first; the counter UPDATE depends on it through an
 * uncorrelated `EXISTS`, evaluated before any counter row is locked, so a twin with the same
 * key waits on the key's index, never while holding the department's lock.
 */
const single = (claimed: boolean) =>
  compile<SingleKey>(
    claimed ? 'mq_check_in_claimed' : 'mq_check_in',
    `WITH d AS (
       SELECT id, code FROM departments WHERE id = :department_id::uuid AND active
     ), i AS (${
       claimed
         ? `INSERT INTO idempotency_keys (credential, key, fingerprint, visit_id, response_status, created_at)
            SELECT :credential::text, :key::text, :fingerprint::text, :id::uuid, 201, :at::timestamptz FROM d
            ON CONFLICT (credential, key) DO NOTHING
            RETURNING 1 AS ok`
         : 'SELECT 1 AS ok FROM d'
     }), c AS (
       UPDATE department_counters dc
       SET last_seq = CASE WHEN dc.service_day >= :service_day::date THEN dc.last_seq + 1 ELSE 1 END,
           service_day = GREATEST(dc.service_day, :service_day::date),
           last_event_id = dc.last_event_id + 1
       FROM d
       WHERE dc.department_id = d.id AND EXISTS (SELECT 1 FROM i)
       RETURNING dc.service_day, dc.last_seq, dc.last_event_id, d.code
     ), v AS (
       INSERT INTO visits (id, department_id, service_day, seq, ticket, public_token, priority,
         state, version, display_name, phone, checked_in_at, queued_at, transferred_from_visit_id)
       SELECT :id::uuid, :department_id::uuid, c.service_day, c.last_seq, ${ticket('c.code', 'c.last_seq')},
         :public_token::text, :priority::text, 'WAITING', 1, :display_name::text, :phone::text,
         :at::timestamptz, :at::timestamptz, :transferred_from::uuid
       FROM c
       RETURNING *
     ), e AS (
       INSERT INTO visit_events (department_id, event_id, type, visit_id, visit, service_day, occurred_at)
       SELECT v.department_id, c.last_event_id, 'visit.checked_in', v.id, to_jsonb(v), v.service_day,
         :at::timestamptz
       FROM v, c
     ), a AS (
       INSERT INTO audit_events (at, actor_type, actor_id, action, entity, entity_id, before, after, ip, request_id)
       SELECT :at::timestamptz, :actor_type::text, :actor_id::text, :action::text, :entity::text,
         :entity_id::text, :before::jsonb, :after::jsonb, :ip::text, :request_id::text
       WHERE EXISTS (SELECT 1 FROM c)
     )
     SELECT (SELECT count(*) FROM d)::int AS department_found, ${visitColumns('v')},
       c.last_event_id AS event_id
     FROM (SELECT 1) AS one LEFT JOIN v ON true LEFT JOIN c ON true`,
  );

type SingleKey =
  | 'department_id'
  | 'credential'
  | 'key'
  | 'fingerprint'
  | 'id'
  | 'at'
  | 'service_day'
  | 'public_token'
  | 'priority'
  | 'display_name'
  | 'phone'
  | 'transferred_from'
  | AuditKey;
type AuditKey =
  | 'actor_type'
  | 'actor_id'
  | 'action'
  | 'entity'
  | 'entity_id'
  | 'before'
  | 'after'
  | 'ip'
  | 'request_id';

const singleClaimed = single(true);
const singleUnclaimed = single(false);

const auditFields = (audit: AuditEntry): Record<AuditKey, unknown> => ({
  actor_type: audit.actor.type,
  actor_id: audit.actor.id,
  action: audit.action,
  entity: audit.entity,
  entity_id: audit.entityId,
  before: json(audit.before),
  after: json(audit.after),
  ip: audit.meta.ip,
  request_id: audit.meta.requestId,
});

export const singleCheckIn = (
  v: NewVisit,
  audit: AuditEntry,
  claim: IdempotencyClaim | null,
): { statement: Statement; params: unknown[] } => {
  const c = claim === null ? singleUnclaimed : singleClaimed;
  return {
    statement: c.statement,
    params: bind(c, {
      department_id: v.departmentId,
      credential: claim?.credential ?? null,
      key: claim?.key ?? null,
      fingerprint: claim?.fingerprint ?? null,
      id: v.id,
      // ISO text: pg's Date → local-time string conversion showed in the profile.
      at: v.checkedInAt.toISOString(),
      service_day: v.serviceDay,
      public_token: v.publicToken,
      priority: v.priority,
      display_name: v.patient.displayName,
      phone: v.patient.phone,
      transferred_from: v.transferredFromVisitId,
      ...auditFields(audit),
    }),
  };
};

/** The statement's rows: visit columns are null for an item that wrote nothing. */
export type CheckInRow = { department_found: number; event_id: number | null } & {
  [K in keyof VisitRow]: VisitRow[K] | null;
};

/** One check-in's row → what it wrote (or why nothing). */
export const writeOf = (row: CheckInRow | undefined, at: Date): CheckInWrite => {
  if (row === undefined || row.department_found === 0) return { kind: 'no_department' };
  if (row.id === null || row.event_id === null) return { kind: 'claim_taken' };
  const { department_found: _found, event_id, ...visitRow } = row;
  return {
    kind: 'recorded',
    recorded: toRecorded(visitRow as VisitRow, event_id, 'visit.checked_in', at),
  };
};

export { auditFields, bind, compile, ticket, visitColumns };
