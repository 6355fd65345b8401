import { randomUUID } from 'node:crypto';
import type { EventLog, QueueSnapshot } from '../../src/application/ports.js';
import type { Department } from '../../src/domain/department.js';
import type { VisitEvent } from '../../src/domain/events.js';
import {
  byEndedAtDesc,
  byQueuedAt,
  recentCalls,
  SERVICE_WINDOW,
  serviceMinutes,
  waitMinutes,
} from '../../src/domain/queue-figures.js';
import { chooseNext, effectiveClass, type ClassHeads } from '../../src/domain/queue-order.js';
import { transition, type VisitAction } from '../../src/domain/state-machine.js';
import { formatTicket } from '../../src/domain/ticket.js';
import type { Priority, Visit } from '../../src/domain/visit.js';

/**
 * One department's queue as the database keeps it, in memory, for unit tests of the live
 * views: the same state machine and fairness rule as the use cases, an event log, and the
 * snapshot a REPEATABLE READ would read — recorded after every committed event, so a view
 * at event n can be compared with "a fresh snapshot at the same event number".
 */
export const makeQueueModel = (department: Department, serviceDay: string, start: Date) => {
  let now = start;
  let streak = 0;
  const visits = new Map<string, Visit>();
  const events: VisitEvent[] = [];
  const snapshots = new Map<number, QueueSnapshot>();

  const snapshot = (): QueueSnapshot => {
    const all = [...visits.values()];
    const active = all
      .filter(
        (v) =>
          v.state === 'CALLED' ||
          v.state === 'IN_CONSULTATION' ||
          (v.state === 'WAITING' && v.serviceDay === serviceDay),
      )
      .sort(byQueuedAt);
    const calledToday = all
      .filter((v) => v.serviceDay === serviceDay && v.calledAt !== null)
      .map((v) => ({
        id: v.id,
        seq: v.seq,
        ticket: v.ticket,
        roomId: v.roomId,
        checkedInAt: v.checkedInAt,
        calledAt: v.calledAt,
      }));
    const recentlyCompleted = all
      .filter((v) => v.state === 'COMPLETED' && v.startedAt !== null && v.endedAt !== null)
      .map((v) => ({ id: v.id, startedAt: v.startedAt as Date, endedAt: v.endedAt as Date }))
      .sort(byEndedAtDesc)
      .slice(0, SERVICE_WINDOW);
    const last = events[events.length - 1];
    return {
      lastEventId: last?.eventId ?? 0,
      lastEventServiceDay: last?.serviceDay ?? null,
      priorityStreak: streak,
      waiting: active.filter((v) => v.state === 'WAITING'),
      called: active.filter((v) => v.state === 'CALLED'),
      inConsultation: active.filter((v) => v.state === 'IN_CONSULTATION'),
      calledToday,
      recentlyCompleted,
      waitMinutesToday: waitMinutes(calledToday),
      recentServiceMinutes: serviceMinutes(recentlyCompleted),
      recentlyCalled: recentCalls(calledToday),
    };
  };

  const commit = (type: VisitEvent['type'], visit: Visit): VisitEvent => {
    visits.set(visit.id, visit);
    const event: VisitEvent = {
      departmentId: department.id,
      eventId: events.length + 1,
      type,
      visit,
      serviceDay: visit.serviceDay,
      occurredAt: now,
    };
    events.push(event);
    snapshots.set(event.eventId, snapshot());
    return event;
  };

  const act = (visit: Visit, action: VisitAction): VisitEvent | null => {
    const result = transition(visit, action, { at: now, actorId: 'model' });
    return result.ok ? commit(result.event, { ...visit, ...result.changes }) : null;
  };

  snapshots.set(0, snapshot());
  let seq = 0;
  const roomId = department.rooms[0]?.id ?? randomUUID();

  const log: EventLog = {
    readAfter: async (_d, after, limit) => events.filter((e) => e.eventId > after).slice(0, limit),
    head: async () => ({ lastEventId: events.length, serviceDay: serviceDay }),
    serviceDayOf: async (_d, id) => events[id - 1]?.serviceDay ?? null,
  };

  return {
    events,
    snapshots,
    snapshot,
    log,
    visits,
    counter: async () => ({ lastEventId: events.length, priorityStreak: streak }),
    now: () => now,
    advance: (minutes: number): void => {
      now = new Date(now.getTime() + minutes * 60_000);
    },

    checkIn: (priority: Priority, day = serviceDay): VisitEvent => {
      seq += 1;
      return commit('visit.checked_in', {
        id: randomUUID(),
        departmentId: department.id,
        serviceDay: day,
        seq,
        ticket: formatTicket(department.code, seq),
        publicToken: randomUUID().replace(/-/g, ''),
        priority,
        state: 'WAITING',
        version: 1,
        roomId: null,
        calledBy: null,
        callCount: 0,
        patient: { displayName: `Patient ${seq}`, phone: null },
        checkedInAt: now,
        queuedAt: now,
        calledAt: null,
        startedAt: null,
        endedAt: null,
        transferredFromVisitId: null,
        transferredToVisitId: null,
        cancelReason: null,
      });
    },

    /** Call-next: the head of each class, the fairness rule, the streak updated. */
    callNext: (): VisitEvent | null => {
      const heads: { -readonly [K in keyof ClassHeads<Visit>]: Visit } = {};
      const waiting = [...visits.values()]
        .filter((v) => v.state === 'WAITING' && v.serviceDay === serviceDay)
        .sort(byQueuedAt);
      for (const v of waiting) {
        const cls = effectiveClass(v, department.policy, now);
        heads[cls] ??= v;
      }
      const choice = chooseNext(heads, streak, department.policy);
      if (choice === null) return null;
      streak = choice.priorityStreak;
      return act(choice.next, { type: 'call', roomId });
    },

    /** Any action on any visit; null when the state machine refuses it. */
    act: (visitId: string, action: VisitAction['type']): VisitEvent | null => {
      const v = visits.get(visitId);
      if (v === undefined) return null;
      const full: VisitAction =
        action === 'call'
          ? { type: 'call', roomId }
          : action === 'cancel'
            ? { type: 'cancel', reason: null }
            : action === 'transfer'
              ? { type: 'transfer', toVisitId: randomUUID() }
              : { type: action };
      return act(v, full);
    },
  };
};

export type QueueModel = ReturnType<typeof makeQueueModel>;
