import { describe, expect, it } from 'vitest';
import { canTransition, transition, type VisitAction } from './state-machine.js';
import { makeVisit } from './test-factories.js';
import { visitStates, type VisitState } from './visit.js';

const at = new Date('2026-11-23T09:30:00Z');
const ctx = { at, actorId: 'user-1' };

const actions: Record<VisitAction['type'], VisitAction> = {
  call: { type: 'call', roomId: 'room-3' },
  recall: { type: 'recall' },
  start: { type: 'start' },
  complete: { type: 'complete' },
  no_show: { type: 'no_show' },
  return_to_queue: { type: 'return_to_queue' },
  requeue: { type: 'requeue' },
  cancel: { type: 'cancel', reason: 'left' },
  transfer: { type: 'transfer', toVisitId: 'new-visit' },
};

/** docs/architecture.md, State machine: the only allowed (state, action) → state. Everything else is refused. */
const allowed: Partial<Record<VisitState, Partial<Record<VisitAction['type'], VisitState>>>> = {
  WAITING: { call: 'CALLED', cancel: 'CANCELLED', transfer: 'TRANSFERRED' },
  CALLED: {
    recall: 'CALLED',
    start: 'IN_CONSULTATION',
    return_to_queue: 'WAITING',
    no_show: 'NO_SHOW',
    cancel: 'CANCELLED',
    transfer: 'TRANSFERRED',
  },
  IN_CONSULTATION: { complete: 'COMPLETED', transfer: 'TRANSFERRED' },
  NO_SHOW: { requeue: 'WAITING' },
};

const cases = visitStates.flatMap((state) =>
  Object.values(actions).map((action) => ({
    state,
    action,
    to: allowed[state]?.[action.type] ?? null,
  })),
);

describe('transition: every state × every action', () => {
  it('covers 7 states × 9 actions', () => expect(cases).toHaveLength(63));

  it.each(cases)('$state + $action.type → $to', ({ state, action, to }) => {
    const visit = makeVisit({ state, version: 4, roomId: state === 'WAITING' ? null : 'room-1' });
    const result = transition(visit, action, ctx);
    expect(canTransition(state, action.type)).toBe(to !== null);
    if (to === null) {
      expect(result.ok).toBe(false);
      if (!result.ok) {
        expect(result.error.code).toBe('INVALID_TRANSITION');
        expect(result.error.details).toMatchObject({ state, action: action.type });
      }
    } else {
      expect(result.ok).toBe(true);
      if (result.ok) {
        expect(result.changes.state).toBe(to);
        expect(result.changes.version).toBe(5);
      }
    }
  });
});

describe('transition effects', () => {
  const apply = (state: VisitState, action: VisitAction, overrides = {}) => {
    const result = transition(makeVisit({ state, ...overrides }), action, ctx);
    if (!result.ok) throw result.error;
    return result;
  };

  it('call sets room, caller, call time and counts the call', () => {
    const r = apply('WAITING', actions.call);
    expect(r.event).toBe('visit.called');
    expect(r.changes).toMatchObject({
      roomId: 'room-3',
      calledBy: 'user-1',
      calledAt: at,
      callCount: 1,
    });
  });

  it('recall stays CALLED, counts another call and refreshes the call time', () => {
    const r = apply('CALLED', actions.recall, { callCount: 1, roomId: 'room-3' });
    expect(r.event).toBe('visit.recalled');
    expect(r.changes).toMatchObject({ state: 'CALLED', callCount: 2, calledAt: at });
  });

  it('return-to-queue keeps the patient’s place (queuedAt untouched) and frees the room', () => {
    const r = apply('CALLED', actions.return_to_queue, { roomId: 'room-3' });
    expect(r.changes).toMatchObject({ state: 'WAITING', roomId: null, calledAt: null });
    expect(r.changes.queuedAt).toBeUndefined();
  });

  it('requeue after a no-show puts the patient at the back (queuedAt = now)', () => {
    const r = apply('NO_SHOW', actions.requeue, { endedAt: at });
    expect(r.changes).toMatchObject({ state: 'WAITING', queuedAt: at, endedAt: null });
  });

  it('final transitions stamp endedAt; cancel keeps its reason; transfer links the new visit', () => {
    expect(apply('IN_CONSULTATION', actions.complete).changes.endedAt).toEqual(at);
    expect(apply('WAITING', actions.cancel).changes).toMatchObject({
      endedAt: at,
      cancelReason: 'left',
    });
    expect(apply('CALLED', actions.transfer).changes).toMatchObject({
      endedAt: at,
      transferredToVisitId: 'new-visit',
    });
  });

  it('start stamps startedAt', () => {
    expect(apply('CALLED', actions.start).changes.startedAt).toEqual(at);
  });
});
