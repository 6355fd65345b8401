import { describe, expect, it } from 'vitest';
import type { DepartmentEventData, Queue, Visit } from '../shared/api/types';
import { applyEvent, minutesSince } from './queue-model';

let n = 0;
const visit = (overrides: Partial<Visit> = {}): Visit => {
  n += 1;
  return {
    id: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
    departmentId: 'd',
    serviceDay: '2026-11-30',
    seq: n,
    ticket: `CARD-${String(n).padStart(3, '0')}`,
    publicToken: `token-${n}`,
    priority: 'normal',
    state: 'WAITING',
    version: 1,
    roomId: null,
    callCount: 0,
    checkedInAt: `2026-11-30T08:${String(n).padStart(2, '0')}:00.000Z`,
    queuedAt: `2026-11-30T08:${String(n).padStart(2, '0')}:00.000Z`,
    calledAt: null,
    startedAt: null,
    endedAt: null,
    transferredFromVisitId: null,
    transferredToVisitId: null,
    cancelReason: null,
    ...overrides,
  };
};

const queue = (waiting: Visit[], lastEventId = 10): Queue =>
  ({
    department: { id: 'd' },
    serviceDay: '2026-11-30',
    lastEventId,
    waiting,
    called: [],
    inConsultation: [],
    stats: { waitingCount: waiting.length, medianWaitMinutes: null, estimatedWaitMinutes: null },
  }) as unknown as Queue;

const event = (eventId: number, v: Visit): DepartmentEventData => ({
  eventId,
  type: 'visit.checked_in',
  visit: v,
  occurredAt: '2026-11-30T09:00:00.000Z',
});

describe('applyEvent', () => {
  it('places a new check-in by class, then by time: an emergency goes first', () => {
    const a = visit();
    const b = visit();
    const e = visit({ priority: 'emergency' });
    const q = applyEvent(applyEvent(queue([a]), event(11, b)), event(12, e));
    expect(q.waiting.map((v) => v.id)).toEqual([e.id, a.id, b.id]);
    expect(q.lastEventId).toBe(12);
    expect(q.stats.waitingCount).toBe(3);
  });

  it('moves a called visit from waiting to called, and a completed one out of the queue', () => {
    const a = visit();
    const called = { ...a, state: 'CALLED' as const, version: 2, calledAt: '2026-11-30T09:00:00Z' };
    let q = applyEvent(queue([a]), event(11, called));
    expect(q.waiting).toEqual([]);
    expect(q.called.map((v) => v.version)).toEqual([2]);
    q = applyEvent(q, event(12, { ...called, state: 'IN_CONSULTATION', version: 3 }));
    expect(q.inConsultation).toHaveLength(1);
    q = applyEvent(q, event(13, { ...called, state: 'COMPLETED', version: 4 }));
    expect([...q.waiting, ...q.called, ...q.inConsultation]).toEqual([]);
  });

  it('ignores an event the queue already contains (replayed after a snapshot)', () => {
    const a = visit();
    const q = queue([a], 20);
    expect(applyEvent(q, event(20, { ...a, state: 'CANCELLED' }))).toBe(q);
  });
});

describe('minutesSince', () => {
  it('counts whole minutes and never goes below zero', () => {
    const t0 = Date.parse('2026-11-30T08:00:00Z');
    expect(minutesSince('2026-11-30T08:00:00Z', t0 + 59_000)).toBe(0);
    expect(minutesSince('2026-11-30T08:00:00Z', t0 + 61 * 60_000)).toBe(61);
    expect(minutesSince('2026-11-30T08:00:00Z', t0 - 5_000)).toBe(0);
  });
});
