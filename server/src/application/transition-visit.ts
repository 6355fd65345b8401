import type { Actor } from '../domain/actor.js';
import { DomainError, notFound } from '../domain/errors.js';
import { transition, type VisitAction, type VisitEventType } from '../domain/state-machine.js';
import type { Visit } from '../domain/visit.js';
import { actionCallers } from '../domain/visit-permissions.js';
import { requireCaller, requireScope } from './authorize.js';
import type {
  AuditEntry,
  Clock,
  EventPublisher,
  Recorded,
  RequestMeta,
  Transactor,
  TxStores,
} from './ports.js';
import { visitAuditView } from './visit-audit.js';

export interface TransitionInput {
  readonly actor: Actor;
  readonly meta: RequestMeta;
  readonly visitId: string;
  readonly version: number;
}

export const auditOf = (
  actor: Actor,
  meta: RequestMeta,
  action: string,
  before: Visit,
  after: Visit,
): AuditEntry => ({
  actor,
  meta,
  action,
  entity: 'visit',
  entityId: before.id,
  before: visitAuditView(before),
  after: visitAuditView(after),
});

/**
 * Locks the visit, checks scope and version, lets the state machine decide, and records
 * the change with its event and audit row — all in the caller's transaction.
 */
export const lockForChange = async (
  stores: Pick<TxStores, 'visits'>,
  { actor, visitId, version }: TransitionInput,
): Promise<Visit> => {
  const visit = await stores.visits.lockById(visitId);
  if (visit === null) throw notFound('Visit');
  requireScope(actor, visit.departmentId);
  if (visit.version !== version) {
    throw new DomainError('VERSION_CONFLICT', 'This visit was changed by someone else', {
      currentVersion: visit.version,
    });
  }
  return visit;
};

export const applyAction = (
  visit: Visit,
  action: VisitAction,
  actor: Actor,
  at: Date,
): { after: Visit; event: VisitEventType } => {
  const result = transition(visit, action, { at, actorId: actor.id });
  if (!result.ok) throw result.error;
  return { after: { ...visit, ...result.changes }, event: result.event };
};

/**
 * Applies an action to a locked visit and records it — new state, the department's next
 * event and the audit row — in the caller's transaction.
 */
export const recordAction = (
  stores: Pick<TxStores, 'visits'>,
  before: Visit,
  action: VisitAction,
  {
    actor,
    meta,
    at,
    auditAction,
  }: { actor: Actor; meta: RequestMeta; at: Date; auditAction?: string },
): Promise<Recorded> => {
  const { after, event } = applyAction(before, action, actor, at);
  return stores.visits.saveTransition(
    before,
    after,
    event,
    auditOf(actor, meta, auditAction ?? event, before, after),
    at,
  );
};

interface Deps {
  readonly tx: Transactor<Pick<TxStores, 'visits'>>;
  readonly clock: Clock;
  readonly events: EventPublisher;
}

/** The plain transitions: recall, start, complete, no-show, return-to-queue, requeue, cancel. */
export type SimpleAction = Exclude<VisitAction, { type: 'call' } | { type: 'transfer' }>;

export const makeTransitionVisit =
  ({ tx, clock, events }: Deps) =>
  async (input: TransitionInput & { readonly action: SimpleAction }): Promise<Visit> => {
    requireCaller(input.actor, actionCallers[input.action.type]);
    const recorded = await tx.run(async (stores) => {
      const before = await lockForChange(stores, input);
      return recordAction(stores, before, input.action, {
        actor: input.actor,
        meta: input.meta,
        at: clock.now(),
      });
    });
    events.publish([recorded.event]);
    return recorded.visit;
  };
