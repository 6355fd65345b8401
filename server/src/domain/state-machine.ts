import { DomainError } from './errors.js';
import type { Visit, VisitState } from './visit.js';

/**
 * The visit state machine: the single place that knows which transitions exist. Pure — no
 * I/O, no clock; the caller passes the moment and the actor in `ctx`.
 */
export type VisitAction =
  | { readonly type: 'call'; readonly roomId: string }
  | { readonly type: 'recall' }
  | { readonly type: 'start' }
  | { readonly type: 'complete' }
  | { readonly type: 'no_show' }
  | { readonly type: 'return_to_queue' }
  | { readonly type: 'requeue' }
  | { readonly type: 'cancel'; readonly reason: string | null }
  | { readonly type: 'transfer'; readonly toVisitId: string };

export type VisitActionType = VisitAction['type'];

/** Every event a visit's change records: the one list the log, the bus and the wire share. */
export const visitEventTypes = [
  'visit.checked_in',
  'visit.called',
  'visit.recalled',
  'visit.started',
  'visit.completed',
  'visit.no_show',
  'visit.returned',
  'visit.requeued',
  'visit.cancelled',
  'visit.transferred',
] as const;

export type VisitEventType = (typeof visitEventTypes)[number];

interface Rule {
  readonly from: readonly VisitState[];
  readonly to: VisitState;
  readonly event: VisitEventType;
}

/** Which states each action may start from, where it leads, and the event it emits. */
export const transitionTable = {
  call: { from: ['WAITING'], to: 'CALLED', event: 'visit.called' },
  recall: { from: ['CALLED'], to: 'CALLED', event: 'visit.recalled' },
  start: { from: ['CALLED'], to: 'IN_CONSULTATION', event: 'visit.started' },
  complete: { from: ['IN_CONSULTATION'], to: 'COMPLETED', event: 'visit.completed' },
  no_show: { from: ['CALLED'], to: 'NO_SHOW', event: 'visit.no_show' },
  return_to_queue: { from: ['CALLED'], to: 'WAITING', event: 'visit.returned' },
  requeue: { from: ['NO_SHOW'], to: 'WAITING', event: 'visit.requeued' },
  cancel: { from: ['WAITING', 'CALLED'], to: 'CANCELLED', event: 'visit.cancelled' },
  transfer: {
    from: ['WAITING', 'CALLED', 'IN_CONSULTATION'],
    to: 'TRANSFERRED',
    event: 'visit.transferred',
  },
} as const satisfies Record<VisitActionType, Rule>;

export interface TransitionContext {
  readonly at: Date;
  readonly actorId: string | null;
}

/** The fields a transition may change. `version` always goes up by one. */
export type VisitChanges = Partial<
  Pick<
    Visit,
    | 'state'
    | 'roomId'
    | 'calledBy'
    | 'callCount'
    | 'queuedAt'
    | 'calledAt'
    | 'startedAt'
    | 'endedAt'
    | 'transferredToVisitId'
    | 'cancelReason'
  >
> & { readonly version: number };

export type TransitionResult =
  | { readonly ok: true; readonly changes: VisitChanges; readonly event: VisitEventType }
  | { readonly ok: false; readonly error: DomainError };

export const canTransition = (state: VisitState, action: VisitActionType): boolean =>
  (transitionTable[action].from as readonly VisitState[]).includes(state);

export const transition = (
  visit: Visit,
  action: VisitAction,
  ctx: TransitionContext,
): TransitionResult => {
  const rule = transitionTable[action.type];
  if (!canTransition(visit.state, action.type)) {
    return {
      ok: false,
      error: new DomainError(
        'INVALID_TRANSITION',
        `Cannot ${action.type.replace(/_/g, ' ')} a visit that is ${visit.state}`,
        { state: visit.state, action: action.type },
      ),
    };
  }
  const base = { state: rule.to, version: visit.version + 1 };
  return { ok: true, event: rule.event, changes: { ...base, ...effects(visit, action, ctx) } };
};

const effects = (
  visit: Visit,
  action: VisitAction,
  { at, actorId }: TransitionContext,
): Omit<VisitChanges, 'version'> => {
  switch (action.type) {
    case 'call':
      return {
        roomId: action.roomId,
        calledBy: actorId,
        calledAt: at,
        callCount: visit.callCount + 1,
      };
    case 'recall':
      return { calledAt: at, callCount: visit.callCount + 1 };
    case 'start':
      return { startedAt: at };
    case 'complete':
    case 'no_show':
      return { endedAt: at };
    case 'return_to_queue':
      // Back to the place they held: queuedAt is untouched, so queue order is preserved.
      return { roomId: null, calledBy: null, calledAt: null };
    case 'requeue':
      // A late arrival re-enters at the back of their class.
      return { roomId: null, calledBy: null, calledAt: null, endedAt: null, queuedAt: at };
    case 'cancel':
      return { endedAt: at, cancelReason: action.reason };
    case 'transfer':
      return { endedAt: at, transferredToVisitId: action.toVisitId };
    default: {
      const unreachable: never = action;
      return unreachable;
    }
  }
};
