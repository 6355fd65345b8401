import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { AuditEntry, AuditLog } from '../../application/ports.js';
import type { Database } from './schema.js';

const json = (value: unknown): string | null =>
  value === undefined || value === null ? null : JSON.stringify(value);

/** The VALUES row of an audit insert, for use inside a larger statement. */
export const auditValues = (e: AuditEntry): RawBuilder<unknown> => sql`(
  ${e.actor.type}, ${e.actor.id}, ${e.action}, ${e.entity}, ${e.entityId},
  ${json(e.before)}::jsonb, ${json(e.after)}::jsonb, ${e.meta.ip}, ${e.meta.requestId}
)`;

export const auditColumns = sql`(actor_type, actor_id, action, entity, entity_id, before, after, ip, request_id)`;

export const makeAuditLog = (db: Kysely<Database>): AuditLog => ({
  record: async (entry) => {
    await sql`INSERT INTO audit_events ${auditColumns} VALUES ${auditValues(entry)}`.execute(db);
  },
});
