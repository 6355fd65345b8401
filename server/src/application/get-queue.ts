import type { Actor } from '../domain/actor.js';
import { notFound } from '../domain/errors.js';
import { serviceDayEndOf, serviceDayOf } from '../domain/ticket.js';
import { requireCaller, requireScope } from './authorize.js';
import { staffQueue, viewFromSnapshot, type Queue, type QueueView } from './live/queue-view.js';
import type { Clock, Transactor, TxStores } from './ports.js';

export type { Queue } from './live/queue-view.js';

interface Deps {
  readonly tx: Transactor<Pick<TxStores, 'departments' | 'queue'>>;
  readonly clock: Clock;
  readonly timeZone: string;
}

/**
 * A department's queue read from the database in one REPEATABLE READ transaction: the
 * lists and lastEventId must describe the same moment, or a stream resuming from
 * lastEventId would replay or skip a change. Null when there is no such department. This
 * is how the live views start, and what they fall back to when they are not current.
 */
export const makeLoadQueueView =
  ({ tx, clock, timeZone }: Deps) =>
  (departmentId: string): Promise<QueueView | null> => {
    const now = clock.now();
    const serviceDay = serviceDayOf(now, timeZone);
    return tx.run(
      async ({ departments, queue }) => {
        const department = await departments.findById(departmentId);
        if (department === null) return null;
        return viewFromSnapshot(
          department,
          serviceDay,
          serviceDayEndOf(now, timeZone),
          await queue.snapshot(department.id, serviceDay),
        );
      },
      { snapshot: true },
    );
  };

/** GET …/queue straight from the database (the live hub's fallback). */
export const makeGetQueue = (deps: Deps) => {
  const load = makeLoadQueueView(deps);
  return async ({
    actor,
    departmentId,
  }: {
    actor: Actor;
    departmentId: string;
  }): Promise<Queue> => {
    requireCaller(actor, ['admin', 'reception', 'doctor']);
    const view = await load(departmentId);
    if (view === null) throw notFound('Department');
    requireScope(actor, view.department.id);
    return staffQueue(view, deps.clock.now());
  };
};
