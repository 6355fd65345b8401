import type { Kysely } from 'kysely';
import type { QueueReader } from '../../application/ports.js';
import {
  byQueuedAt,
  recentCalls,
  SERVICE_WINDOW,
  serviceMinutes,
  waitMinutes,
} from '../../domain/queue-figures.js';
import type { Database } from './schema.js';
import { toVisit } from './visit.mapper.js';

const date = (v: Date | string): Date => (v instanceof Date ? v : new Date(v));

/**
 * The department's queue as stored: four indexed reads. Minutes, orders and the recent
 * calls are derived in `domain/queue-figures.ts`, the same functions the live views use,
 * so a snapshot and a view kept from events agree to the last tie.
 */
export const makeQueueReader = (db: Kysely<Database>): QueueReader => {
  const head = (departmentId: string) =>
    db
      .selectFrom('department_counters as c')
      .select((eb) => [
        'c.last_event_id',
        'c.priority_streak',
        eb
          .selectFrom('visit_events as e')
          .select('e.service_day')
          .whereRef('e.department_id', '=', 'c.department_id')
          .whereRef('e.event_id', '=', 'c.last_event_id')
          .as('last_event_service_day'),
      ])
      .where('c.department_id', '=', departmentId)
      .executeTakeFirst();

  return {
    counter: async (departmentId) => {
      const row = await db
        .selectFrom('department_counters')
        .select(['last_event_id', 'priority_streak'])
        .where('department_id', '=', departmentId)
        .executeTakeFirst();
      return { lastEventId: row?.last_event_id ?? 0, priorityStreak: row?.priority_streak ?? 0 };
    },

    snapshot: async (departmentId, serviceDay) => {
      const counter = await head(departmentId);
      const active = await db
        .selectFrom('visits')
        .selectAll()
        .where('department_id', '=', departmentId)
        .where((eb) =>
          eb.or([
            eb.and([eb('state', '=', 'WAITING'), eb('service_day', '=', serviceDay)]),
            eb('state', 'in', ['CALLED', 'IN_CONSULTATION']),
          ]),
        )
        .execute();
      const called = await db
        .selectFrom('visits')
        .select(['id', 'seq', 'ticket', 'room_id', 'checked_in_at', 'called_at'])
        .where('department_id', '=', departmentId)
        .where('service_day', '=', serviceDay)
        .where('called_at', 'is not', null)
        .execute();
      const completed = await db
        .selectFrom('visits')
        .select(['id', 'started_at', 'ended_at'])
        .where('department_id', '=', departmentId)
        .where('state', '=', 'COMPLETED')
        .where('started_at', 'is not', null)
        .where('ended_at', 'is not', null)
        .orderBy('ended_at', 'desc')
        .orderBy('id', 'desc')
        .limit(SERVICE_WINDOW)
        .execute();
      const visits = active.map(toVisit).sort(byQueuedAt);
      const calledToday = called.map((r) => ({
        id: r.id,
        seq: r.seq,
        ticket: r.ticket,
        roomId: r.room_id,
        checkedInAt: date(r.checked_in_at),
        calledAt: r.called_at === null ? null : date(r.called_at),
      }));
      const recentlyCompleted = completed.map((r) => ({
        id: r.id,
        startedAt: date(r.started_at as Date | string),
        endedAt: date(r.ended_at as Date | string),
      }));
      return {
        lastEventId: counter?.last_event_id ?? 0,
        lastEventServiceDay: counter?.last_event_service_day ?? null,
        priorityStreak: counter?.priority_streak ?? 0,
        waiting: visits.filter((v) => v.state === 'WAITING'),
        called: visits.filter((v) => v.state === 'CALLED'),
        inConsultation: visits.filter((v) => v.state === 'IN_CONSULTATION'),
        calledToday,
        recentlyCompleted,
        waitMinutesToday: waitMinutes(calledToday),
        recentServiceMinutes: serviceMinutes(recentlyCompleted),
        recentlyCalled: recentCalls(calledToday),
      };
    },
  };
};
