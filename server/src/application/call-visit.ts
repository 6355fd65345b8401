import { actionCallers } from '../domain/visit-permissions.js';
import type { Department } from '../domain/department.js';
import { DomainError, notFound } from '../domain/errors.js';
import type { Visit } from '../domain/visit.js';
import { requireCaller } from './authorize.js';
import type { Clock, EventPublisher, Transactor, TxStores } from './ports.js';
import { lockForChange, recordAction, type TransitionInput } from './transition-visit.js';

/** The room must be an open room of the visit's own department. */
export const requireOpenRoom = async (
  departments: TxStores['departments'],
  department: Pick<Department, 'id'>,
  roomId: string,
): Promise<void> => {
  const room = await departments.findRoom(roomId);
  if (room === null || room.departmentId !== department.id) throw notFound('Room');
  if (!room.active) throw new DomainError('NOT_FOUND', 'Room is closed');
};

interface Deps {
  readonly tx: Transactor<Pick<TxStores, 'visits' | 'departments'>>;
  readonly clock: Clock;
  readonly events: EventPublisher;
}

/** Calls one particular waiting patient (the dashboard's "call" on a row). */
export const makeCallVisit =
  ({ tx, clock, events }: Deps) =>
  async (input: TransitionInput & { readonly roomId: string }): Promise<Visit> => {
    requireCaller(input.actor, actionCallers.call);
    const recorded = await tx.run(async (stores) => {
      const before = await lockForChange(stores, input);
      await requireOpenRoom(stores.departments, { id: before.departmentId }, input.roomId);
      return recordAction(
        stores,
        before,
        { type: 'call', roomId: input.roomId },
        {
          actor: input.actor,
          meta: input.meta,
          at: clock.now(),
        },
      );
    });
    events.publish([recorded.event]);
    return recorded.visit;
  };
