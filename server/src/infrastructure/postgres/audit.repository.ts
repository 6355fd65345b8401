import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { AuditEntry, AuditLog, AuditReader, Clock } from '../../application/ports.js';
import type { AuditActor, AuditRecord } from '../../domain/audit.js';
import { DomainError } from '../../domain/errors.js';
import type { Database } from './schema.js';

const json = (value: unknown): string | null =>
  value === undefined || value === null ? null : JSON.stringify(value);

/**
 * The VALUES row of an audit insert, for use inside a larger statement. `at` is the
 * application clock's time of the change (the audit filters and retention compare with it).
 */
export const auditValues = (e: AuditEntry, at: Date): RawBuilder<unknown> => sql`(
  ${at}::timestamptz, ${e.actor.type}, ${e.actor.id}, ${e.action}, ${e.entity}, ${e.entityId},
  ${json(e.before)}::jsonb, ${json(e.after)}::jsonb, ${e.meta.ip}, ${e.meta.requestId}
)`;

export const auditColumns = sql`(at, actor_type, actor_id, action, entity, entity_id, before, after, ip, request_id)`;

export const makeAuditLog = (db: Kysely<Database>, clock: Clock): AuditLog => ({
  record: async (entry) => {
    await sql`INSERT INTO audit_events ${auditColumns} VALUES ${auditValues(entry, clock.now())}`.execute(
      db,
    );
  },
});

/** The audit cursor is the last row's id (a bigint), base64url so clients treat it as opaque. */
const encodeAuditCursor = (id: string): string => Buffer.from(id).toString('base64url');

const decodeAuditCursor = (cursor: string | null): string | null => {
  if (cursor === null) return null;
  const id = Buffer.from(cursor, 'base64url').toString('utf8');
  // bigint range: at most 19 digits, no leading zero; anything else is a forged cursor.
  if (!/^[1-9]\d{0,18}$/.test(id)) {
    throw new DomainError('VALIDATION_FAILED', 'cursor is not valid', { field: 'cursor' });
  }
  return id;
};

export const makeAuditReader = (db: Kysely<Database>): AuditReader => ({
  list: async (q) => {
    const after = decodeAuditCursor(q.cursor);
    let query = db
      .selectFrom('audit_events')
      // id as text: pg returns int8 as a string and PGlite as a number; text is the same on both.
      .select((eb) => [
        eb.cast<string>('id', 'text').as('id'),
        'at',
        'actor_type',
        'actor_id',
        'action',
        'entity',
        'entity_id',
        'before',
        'after',
        'ip',
        'request_id',
      ])
      // Qualified: a bare `id` here would be the text alias above, and sort as text.
      .orderBy('audit_events.id', 'desc')
      .limit(q.limit + 1);
    if (after !== null) query = query.where('audit_events.id', '<', after);
    if (q.from !== undefined) query = query.where('at', '>=', q.from);
    if (q.to !== undefined) query = query.where('at', '<=', q.to);
    if (q.actorId !== undefined) query = query.where('actor_id', '=', q.actorId);
    if (q.action !== undefined) query = query.where('action', '=', q.action);
    if (q.visitId !== undefined) {
      query = query.where('entity', '=', 'visit').where('entity_id', '=', q.visitId);
    }
    const rows = await query.execute();
    const items: AuditRecord[] = rows.slice(0, q.limit).map((r) => ({
      id: String(r.id),
      at: r.at,
      actor: { type: r.actor_type as AuditActor['type'], id: r.actor_id },
      action: r.action,
      entity: r.entity,
      entityId: r.entity_id,
      before: r.before,
      after: r.after,
      ip: r.ip,
      requestId: r.request_id,
    }));
    const last = items[items.length - 1];
    return {
      items,
      nextCursor: rows.length > q.limit && last !== undefined ? encodeAuditCursor(last.id) : null,
    };
  },
});
