import type { AuditEntry, IdempotencyClaim, NewVisit } from '../../application/ports.js';
import { auditFields, bind, compile, ticket, visitColumns } from './check-in.statements.js';
import type { Statement } from './prepared-statements.js';

/**
 * Several check-ins of ONE service day in one statement (group commit, ADR 10): the batched
 * twin of the one-statement check-in (ADR 2), with the same guards, for one department or
 * several.
 *
 * - Every item's idempotency key is inserted first, `ON CONFLICT DO NOTHING`, in
 *   (credential, key) order: an item whose key is already recorded — by an earlier batch,
 *   another instance, or a twin earlier in this very batch — writes nothing and is answered
 *   from the record afterwards. Inserting in one global order means two batches that
 *   share keys wait for each other in that order, never in a cycle.
 * - Only then are the departments' counter rows locked, in department id order (`l`: the
 *   same order as a transfer's `lockCounters`, so two batches never wait on each other in
 *   a cycle), each once, and moved by the number of its items that claimed their key: item
 *   k of n (in arrival order) gets seq `last - n + k` and event id likewise. The window
 *   `count(*)` reads every claim before the first counter row is locked, so no key is
 *   waited for while a department's lock is held.
 * - Visits, events and audit rows follow in the same statement; all or nothing, in
 *   autocommit. The items travel as one JSON array (one parameter, whatever the batch size).
 * - One answer row per item, in item order: its department unknown or inactive, its key
 *   taken, or what it wrote.
 */
const batch = compile<'service_day' | 'items'>(
  'mq_check_in_batch',
  `WITH input AS (
     SELECT * FROM json_to_recordset(:items::json) AS t(
       ord int, department_id uuid, id uuid, credential text, key text, fingerprint text,
       public_token text, priority text, display_name text, phone text, at timestamptz,
       transferred_from uuid, actor_type text, actor_id text, action text, entity text,
       entity_id text, before jsonb, after jsonb, ip text, request_id text)
   ), d AS (
     SELECT id, code FROM departments
     WHERE id IN (SELECT department_id FROM input) AND active
   ), i AS (
     INSERT INTO idempotency_keys (credential, key, fingerprint, visit_id, response_status, created_at)
     SELECT input.credential, input.key, input.fingerprint, input.id, 201, input.at
     FROM input JOIN d ON d.id = input.department_id
     ORDER BY input.credential, input.key, input.ord
     ON CONFLICT (credential, key) DO NOTHING
     RETURNING visit_id
   ), n AS (
     SELECT input.*,
       row_number() OVER (PARTITION BY input.department_id ORDER BY input.ord)::int AS k,
       count(*) OVER (PARTITION BY input.department_id)::int AS total
     FROM input JOIN i ON i.visit_id = input.id
   ), per AS (
     SELECT department_id, count(*)::int AS claimed FROM n GROUP BY department_id
   ), l AS (
     SELECT dc.department_id FROM department_counters dc
     WHERE dc.department_id IN (SELECT department_id FROM per)
     ORDER BY dc.department_id
     FOR UPDATE
   ), c AS (
     UPDATE department_counters dc
     SET last_seq = CASE WHEN dc.service_day >= :service_day::date THEN dc.last_seq ELSE 0 END
           + per.claimed,
         service_day = GREATEST(dc.service_day, :service_day::date),
         last_event_id = dc.last_event_id + per.claimed
     FROM per JOIN l ON l.department_id = per.department_id JOIN d ON d.id = per.department_id
     WHERE dc.department_id = per.department_id
     RETURNING dc.department_id, dc.service_day, dc.last_seq, dc.last_event_id, d.code
   ), s AS (
     SELECT n.*, c.service_day AS day, c.last_seq - n.total + n.k AS seq,
       c.last_event_id - n.total + n.k AS event_id, c.code
     FROM n JOIN c ON c.department_id = n.department_id
   ), v AS (
     INSERT INTO visits (id, department_id, service_day, seq, ticket, public_token, priority,
       state, version, display_name, phone, checked_in_at, queued_at, transferred_from_visit_id)
     SELECT s.id, s.department_id, s.day, s.seq, ${ticket('s.code', 's.seq')}, s.public_token,
       s.priority, 'WAITING', 1, s.display_name, s.phone, s.at, s.at, s.transferred_from
     FROM s ORDER BY s.department_id, s.seq
     RETURNING *
   ), e AS (
     INSERT INTO visit_events (department_id, event_id, type, visit_id, visit, service_day, occurred_at)
     SELECT v.department_id, s.event_id, 'visit.checked_in', v.id, to_jsonb(v), v.service_day, s.at
     FROM v JOIN s ON s.id = v.id
     ORDER BY v.department_id, s.event_id
   ), a AS (
     INSERT INTO audit_events (at, actor_type, actor_id, action, entity, entity_id, before, after, ip, request_id)
     SELECT s.at, s.actor_type, s.actor_id, s.action, s.entity, s.entity_id, s.before, s.after, s.ip,
       s.request_id
     FROM s ORDER BY s.ord
   )
   SELECT input.ord, (d.id IS NOT NULL)::int AS department_found, ${visitColumns('r')}, r.event_id
   FROM input
   LEFT JOIN d ON d.id = input.department_id
   LEFT JOIN (SELECT s.ord, s.event_id, v.* FROM v JOIN s ON s.id = v.id) AS r ON r.ord = input.ord
   ORDER BY input.ord`,
);

export interface BatchItem {
  readonly visit: NewVisit;
  readonly audit: AuditEntry;
  readonly claim: IdempotencyClaim;
}

/** All items must share the service day (the recorder groups them so). */
export const batchCheckIn = (
  serviceDay: string,
  items: readonly BatchItem[],
): { statement: Statement; params: unknown[] } => ({
  statement: batch.statement,
  params: bind(batch, {
    service_day: serviceDay,
    items: JSON.stringify(
      items.map(({ visit: v, audit, claim }, ord) => ({
        ord,
        department_id: v.departmentId,
        id: v.id,
        credential: claim.credential,
        key: claim.key,
        fingerprint: claim.fingerprint,
        public_token: v.publicToken,
        priority: v.priority,
        display_name: v.patient.displayName,
        phone: v.patient.phone,
        at: v.checkedInAt.toISOString(),
        transferred_from: v.transferredFromVisitId,
        ...auditFields(audit),
        // Nested JSON here, not a JSON string: json_to_recordset reads it into jsonb.
        before: audit.before ?? null,
        after: audit.after ?? null,
      })),
    ),
  }),
});
