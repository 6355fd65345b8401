import type { Actor } from '../domain/actor.js';
import type { Department, Room } from '../domain/department.js';
import { DomainError, notFound } from '../domain/errors.js';
import { defaultFairnessPolicy } from '../domain/queue-order.js';
import { departmentCodePattern, serviceDayOf } from '../domain/ticket.js';
import { requireAdmin } from './authorize.js';
import type {
  Clock,
  ControlPublisher,
  DepartmentPatch,
  Page,
  RequestMeta,
  Transactor,
  TxStores,
} from './ports.js';

interface Deps {
  readonly tx: Transactor<Pick<TxStores, 'departments' | 'audit'>>;
  readonly clock: Clock;
  readonly timeZone: string;
  readonly control: ControlPublisher;
}

interface Call {
  readonly actor: Actor;
  readonly meta: RequestMeta;
}

export interface NewDepartment {
  readonly code: string;
  readonly name: string;
  readonly priorityBurst?: number | undefined;
  readonly maxWaitMinutes?: number | null | undefined;
}

/** Admin management of departments and their rooms. Every change is audited. */
/** Live views show names, rooms and policy: every instance reloads a changed department. */
export const makeDepartmentAdmin = ({ tx, clock, timeZone, control }: Deps) => {
  const changed = <T>(departmentId: string, result: T): T => {
    control.announce({ kind: 'department_changed', departmentId });
    return result;
  };
  return {
    list: async ({ actor, page }: Call & { page: Page }) => {
      requireAdmin(actor);
      return tx.run(({ departments }) => departments.listPage(page));
    },

    create: async ({
      actor,
      meta,
      input,
    }: Call & { input: NewDepartment }): Promise<Department> => {
      requireAdmin(actor);
      if (!departmentCodePattern.test(input.code)) {
        throw new DomainError('VALIDATION_FAILED', 'code must be 2–6 upper-case letters');
      }
      return tx.run(async ({ departments, audit }) => {
        const created = await departments.create({
          code: input.code,
          name: input.name,
          policy: {
            priorityBurst: input.priorityBurst ?? defaultFairnessPolicy.priorityBurst,
            maxWaitMinutes: input.maxWaitMinutes ?? defaultFairnessPolicy.maxWaitMinutes,
          },
          serviceDay: serviceDayOf(clock.now(), timeZone),
        });
        await audit.record({
          actor,
          meta,
          action: 'department.created',
          entity: 'department',
          entityId: created.id,
          after: created,
        });
        return created;
      });
    },

    update: async ({
      actor,
      meta,
      id,
      patch,
    }: Call & { id: string; patch: DepartmentPatch }): Promise<Department> => {
      requireAdmin(actor);
      const after = await tx.run(async ({ departments, audit }) => {
        const before = await departments.findById(id);
        if (before === null) throw notFound('Department');
        const after = await departments.update(id, patch);
        if (after === null) throw notFound('Department');
        await audit.record({
          actor,
          meta,
          action: 'department.updated',
          entity: 'department',
          entityId: id,
          before,
          after,
        });
        return after;
      });
      return changed(id, after);
    },

    createRoom: async ({
      actor,
      meta,
      departmentId,
      name,
    }: Call & { departmentId: string; name: string }): Promise<Room> => {
      requireAdmin(actor);
      const room = await tx.run(async ({ departments, audit }) => {
        if ((await departments.findById(departmentId)) === null) throw notFound('Department');
        const room = await departments.createRoom(departmentId, name);
        await audit.record({
          actor,
          meta,
          action: 'room.created',
          entity: 'room',
          entityId: room.id,
          after: room,
        });
        return room;
      });
      return changed(departmentId, room);
    },

    listRooms: async ({
      actor,
      departmentId,
      page,
    }: {
      actor: Actor;
      departmentId: string;
      page: Page;
    }) => {
      requireAdmin(actor);
      return tx.run(async ({ departments }) => {
        if ((await departments.findById(departmentId)) === null) throw notFound('Department');
        return departments.listRooms(departmentId, page);
      });
    },

    updateRoom: async ({
      actor,
      meta,
      departmentId,
      roomId,
      patch,
    }: Call & {
      departmentId: string;
      roomId: string;
      patch: { name?: string | undefined; active?: boolean | undefined };
    }): Promise<Room> => {
      requireAdmin(actor);
      const room = await tx.run(async ({ departments, audit }) => {
        const before = await departments.findRoom(roomId);
        if (before === null || before.departmentId !== departmentId) throw notFound('Room');
        const after = await departments.updateRoom(roomId, patch);
        if (after === null) throw notFound('Room');
        await audit.record({
          actor,
          meta,
          action: 'room.updated',
          entity: 'room',
          entityId: roomId,
          before,
          after,
        });
        return after;
      });
      return changed(departmentId, room);
    },
  };
};

export type DepartmentAdmin = ReturnType<typeof makeDepartmentAdmin>;
