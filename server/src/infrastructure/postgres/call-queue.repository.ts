import { sql, type Kysely } from 'kysely';
import type { CallQueueStore } from '../../application/ports.js';
import type { QueueClass } from '../../domain/queue-order.js';
import type { Visit } from '../../domain/visit.js';
import type { Database, VisitRow } from './schema.js';
import { toVisit } from './visit.mapper.js';

export const makeCallQueueStore = (db: Kysely<Database>): CallQueueStore => ({
  lockPriorityStreak: async (departmentId) => {
    const row = await db
      .selectFrom('department_counters')
      .select('priority_streak')
      .where('department_id', '=', departmentId)
      .forNoKeyUpdate()
      .executeTakeFirst();
    return row?.priority_streak ?? 0;
  },

  setPriorityStreak: async (departmentId, streak) => {
    await db
      .updateTable('department_counters')
      .set({ priority_streak: streak })
      .where('department_id', '=', departmentId)
      .execute();
  },

  lockCounters: async (departmentIds) => {
    await db
      .selectFrom('department_counters')
      .select('department_id')
      .where('department_id', 'in', [...departmentIds])
      .orderBy('department_id')
      .forNoKeyUpdate()
      .execute();
  },

  /**
   * One row per class — its head in queue order — each locked FOR UPDATE SKIP LOCKED: a
   * row another transaction holds (being called, cancelled) is skipped, not waited for.
   * The class conditions mirror `effectiveClass` in domain/queue-order.ts.
   */
  lockClassHeads: async (departmentId, serviceDay, cutoff) => {
    const rows = await sql<VisitRow & { cls: QueueClass }>`
      SELECT k.cls, h.* FROM (VALUES ('emergency'), ('priority'), ('normal')) AS k(cls)
      CROSS JOIN LATERAL (
        SELECT v.* FROM visits v
        WHERE v.department_id = ${departmentId} AND v.service_day = ${serviceDay}::date
          AND v.state = 'WAITING'
          AND CASE k.cls
            WHEN 'emergency' THEN v.priority = 'emergency'
            WHEN 'priority' THEN v.priority = 'priority'
              OR (v.priority = 'normal' AND v.queued_at <= ${cutoff}::timestamptz)
            ELSE v.priority = 'normal'
              AND (${cutoff}::timestamptz IS NULL OR v.queued_at > ${cutoff}::timestamptz)
          END
        ORDER BY v.queued_at, v.seq
        LIMIT 1
        FOR UPDATE SKIP LOCKED
      ) h`.execute(db);
    const heads: Partial<Record<QueueClass, Visit>> = {};
    for (const { cls, ...row } of rows.rows) heads[cls] = toVisit(row);
    return heads;
  },
});
