import type { DepartmentEventData, Queue, Visit } from '../shared/api/types';

const classRank: Record<Visit['priority'], number> = { emergency: 0, priority: 1, normal: 2 };

/**
 * Where a visit that just became WAITING goes until the server's own order arrives: by
 * class, then by when it joined the queue. The server's fairness rule (priority bursts,
 * ageing) can reorder it; the dashboard refetches the queue after each burst of events.
 */
const byClassThenQueued = (a: Visit, b: Visit): number =>
  classRank[a.priority] - classRank[b.priority] || a.queuedAt.localeCompare(b.queuedAt);

const byCalledAt = (a: Visit, b: Visit): number =>
  (a.calledAt ?? '').localeCompare(b.calledAt ?? '');

/**
 * The queue after one department event: the visit leaves every list and re-enters the one
 * its new state belongs to. Events at or below the queue's `lastEventId` are already in it.
 */
export const applyEvent = (queue: Queue, event: DepartmentEventData): Queue => {
  if (event.eventId <= queue.lastEventId) return queue;
  const visit = event.visit;
  const without = (list: Visit[]) => list.filter((v) => v.id !== visit.id);
  const waiting = without(queue.waiting);
  const called = without(queue.called);
  const inConsultation = without(queue.inConsultation);
  switch (visit.state) {
    case 'WAITING':
      waiting.push(visit);
      waiting.sort(byClassThenQueued);
      break;
    case 'CALLED':
      called.push(visit);
      called.sort(byCalledAt);
      break;
    case 'IN_CONSULTATION':
      inConsultation.push(visit);
      break;
    default:
      break; // final states leave the live queue
  }
  return {
    ...queue,
    lastEventId: event.eventId,
    waiting,
    called,
    inConsultation,
    stats: { ...queue.stats, waitingCount: waiting.length },
  };
};

/** Every visit of the live queue, to find one by id. */
export const visitsOf = (queue: Queue): Visit[] => [
  ...queue.waiting,
  ...queue.called,
  ...queue.inConsultation,
];

/** Whole minutes since `iso`, never negative (clocks of two machines may differ a little). */
export const minutesSince = (iso: string, now: number): number =>
  Math.max(0, Math.floor((now - Date.parse(iso)) / 60_000));
