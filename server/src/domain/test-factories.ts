import type { Visit } from './visit.js';

/** Test data: a WAITING visit, with whatever overrides the test cares about. */
export const makeVisit = (overrides: Partial<Visit> = {}): Visit => ({
  id: '00000000-0000-4000-8000-000000000001',
  departmentId: '00000000-0000-4000-8000-0000000000d1',
  serviceDay: '2026-11-23',
  seq: 12,
  ticket: 'CARD-012',
  publicToken: 'token',
  priority: 'normal',
  state: 'WAITING',
  version: 1,
  roomId: null,
  calledBy: null,
  callCount: 0,
  patient: { displayName: null, phone: null },
  checkedInAt: new Date('2026-11-23T08:00:00Z'),
  queuedAt: new Date('2026-11-23T08:00:00Z'),
  calledAt: null,
  startedAt: null,
  endedAt: null,
  transferredFromVisitId: null,
  transferredToVisitId: null,
  cancelReason: null,
  ...overrides,
});
