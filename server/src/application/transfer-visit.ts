import { actionCallers } from '../domain/visit-permissions.js';
import { DomainError, notFound } from '../domain/errors.js';
import { serviceDayOf } from '../domain/ticket.js';
import type { Priority, Visit } from '../domain/visit.js';
import { requireCaller } from './authorize.js';
import type { Clock, EventPublisher, Randomness, Transactor, TxStores } from './ports.js';
import { applyAction, auditOf, lockForChange, type TransitionInput } from './transition-visit.js';

export interface TransferInput extends TransitionInput {
  readonly toDepartmentId: string;
  readonly priority?: Priority | undefined;
}

interface Deps {
  readonly tx: Transactor<Pick<TxStores, 'visits' | 'departments' | 'callQueue'>>;
  readonly clock: Clock;
  readonly random: Randomness;
  readonly events: EventPublisher;
  readonly timeZone: string;
}

/**
 * Closes the visit as TRANSFERRED and opens a WAITING visit with a new ticket in the
 * target department, in one transaction. Referral to any active department is allowed:
 * a doctor refers patients to departments they do not work in.
 */
export const makeTransferVisit =
  ({ tx, clock, random, events, timeZone }: Deps) =>
  async (input: TransferInput): Promise<{ visit: Visit; newVisit: Visit }> => {
    requireCaller(input.actor, actionCallers.transfer);
    const result = await tx.run(async (stores) => {
      const before = await lockForChange(stores, input);
      const target = await stores.departments.findById(input.toDepartmentId);
      if (target === null || !target.active) throw notFound('Target department');
      if (target.id === before.departmentId) {
        throw new DomainError(
          'VALIDATION_FAILED',
          'A visit cannot be transferred to its own department',
        );
      }
      const now = clock.now();
      const newId = random.uuid();
      const { after, event } = applyAction(
        before,
        { type: 'transfer', toVisitId: newId },
        input.actor,
        now,
      );
      await stores.callQueue.lockCounters([before.departmentId, target.id]);
      const write = await stores.visits.insertCheckedIn(
        {
          id: newId,
          departmentId: target.id,
          serviceDay: serviceDayOf(now, timeZone),
          publicToken: random.publicToken(),
          priority: input.priority ?? before.priority,
          patient: before.patient,
          checkedInAt: now,
          transferredFromVisitId: before.id,
        },
        {
          actor: input.actor,
          meta: input.meta,
          action: 'visit.checked_in',
          entity: 'visit',
          entityId: newId,
          after: { departmentId: target.id, transferredFromVisitId: before.id, state: 'WAITING' },
        },
        null,
      );
      if (write.kind !== 'recorded') throw notFound('Target department');
      const opened = write.recorded;
      const closed = await stores.visits.saveTransition(
        before,
        after,
        event,
        auditOf(input.actor, input.meta, event, before, after),
        now,
      );
      return { closed, opened };
    });
    events.publish([result.closed.event, result.opened.event]);
    return { visit: result.closed.visit, newVisit: result.opened.visit };
  };
