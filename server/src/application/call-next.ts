import { actionCallers } from '../domain/visit-permissions.js';
import type { Actor } from '../domain/actor.js';
import { DomainError, notFound } from '../domain/errors.js';
import { ageingCutoff, chooseNext } from '../domain/queue-order.js';
import { serviceDayOf } from '../domain/ticket.js';
import type { Visit } from '../domain/visit.js';
import { requireCaller, requireScope } from './authorize.js';
import { requireOpenRoom } from './call-visit.js';
import type { Clock, EventPublisher, RequestMeta, Transactor, TxStores } from './ports.js';
import { recordAction } from './transition-visit.js';

export interface CallNextInput {
  readonly actor: Actor;
  readonly meta: RequestMeta;
  readonly departmentId: string;
  readonly roomId: string;
}

interface Deps {
  readonly tx: Transactor<Pick<TxStores, 'visits' | 'departments' | 'callQueue'>>;
  readonly clock: Clock;
  readonly events: EventPublisher;
  readonly timeZone: string;
}

/**
 * Takes the head of the queue under the department's fairness policy. The priority streak
 * is locked first, so call-next is serialized per department and the burst rule counts
 * every call; the candidates are locked with SKIP LOCKED so a visit another transaction
 * is changing (a cancel, a direct call) is passed over instead of waited for — no patient
 * is ever handed to two rooms.
 */
export const makeCallNext =
  ({ tx, clock, events, timeZone }: Deps) =>
  async ({ actor, meta, departmentId, roomId }: CallNextInput): Promise<Visit> => {
    requireCaller(actor, actionCallers.call);
    const recorded = await tx.run(async (stores) => {
      const department = await stores.departments.findById(departmentId);
      if (department === null || !department.active) throw notFound('Department');
      requireScope(actor, department.id);
      await requireOpenRoom(stores.departments, department, roomId);

      const now = clock.now();
      const streak = await stores.callQueue.lockPriorityStreak(department.id);
      const heads = await stores.callQueue.lockClassHeads(
        department.id,
        serviceDayOf(now, timeZone),
        ageingCutoff(department.policy, now),
      );
      const choice = chooseNext(heads, streak, department.policy);
      if (choice === null) throw new DomainError('QUEUE_EMPTY', 'Nobody is waiting');

      if (choice.priorityStreak !== streak) {
        await stores.callQueue.setPriorityStreak(department.id, choice.priorityStreak);
      }
      return recordAction(
        stores,
        choice.next,
        { type: 'call', roomId },
        { actor, meta, at: now, auditAction: 'visit.called_next' },
      );
    });
    events.publish([recorded.event]);
    return recorded.visit;
  };
