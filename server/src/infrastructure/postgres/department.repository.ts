import type { Kysely, Selectable } from 'kysely';
import type { Clock, DepartmentStore } from '../../application/ports.js';
import type { Department, Room } from '../../domain/department.js';
import { afterKey, decodeCursor, pageOf } from './cursor.js';
import { translateUnique } from './pg-errors.js';
import type { Database, DepartmentsTable, RoomsTable } from './schema.js';

const toRoom = (r: Selectable<RoomsTable>): Room => ({
  id: r.id,
  departmentId: r.department_id,
  name: r.name,
  active: r.active,
});

const toDepartment = (d: Selectable<DepartmentsTable>, rooms: readonly Room[]): Department => ({
  id: d.id,
  code: d.code,
  name: d.name,
  active: d.active,
  policy: { priorityBurst: d.priority_burst, maxWaitMinutes: d.max_wait_minutes },
  rooms: rooms.filter((r) => r.departmentId === d.id),
});

export const makeDepartmentStore = (db: Kysely<Database>, clock: Clock): DepartmentStore => {
  const withRooms = async (rows: Selectable<DepartmentsTable>[]): Promise<Department[]> => {
    if (rows.length === 0) return [];
    const rooms = await db
      .selectFrom('rooms')
      .selectAll()
      .where(
        'department_id',
        'in',
        rows.map((r) => r.id),
      )
      .orderBy('name')
      .execute();
    return rows.map((d) => toDepartment(d, rooms.map(toRoom)));
  };

  const findById = async (id: string): Promise<Department | null> => {
    const row = await db
      .selectFrom('departments')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirst();
    return row === undefined ? null : ((await withRooms([row]))[0] ?? null);
  };

  return {
    findById,

    list: async ({ ids, activeOnly }) => {
      if (ids !== undefined && ids.length === 0) return [];
      let q = db.selectFrom('departments').selectAll().orderBy('code');
      if (ids !== undefined) q = q.where('id', 'in', [...ids]);
      if (activeOnly === true) q = q.where('active', '=', true);
      return withRooms(await q.execute());
    },

    listPage: async ({ cursor, limit }) => {
      const after = decodeCursor(cursor);
      let q = db
        .selectFrom('departments')
        .selectAll()
        .orderBy('created_at')
        .orderBy('id')
        .limit(limit + 1);
      if (after !== null) q = q.where(afterKey(after));
      const rows = await q.execute();
      const page = pageOf(
        rows.map((r) => ({ ...r, createdAt: r.created_at })),
        limit,
      );
      return { items: await withRooms(page.items), nextCursor: page.nextCursor };
    },

    create: async ({ code, name, policy, serviceDay }) => {
      const row = await translateUnique(
        () =>
          db
            .insertInto('departments')
            .values({
              code,
              name,
              priority_burst: policy.priorityBurst,
              max_wait_minutes: policy.maxWaitMinutes,
            })
            .returningAll()
            .executeTakeFirstOrThrow(),
        { departments_code_unique: 'A department with this code' },
      );
      // The counter row exists from the start, so check-in only ever UPDATEs it (a row
      // lock) and never races to INSERT it.
      await db
        .insertInto('department_counters')
        .values({ department_id: row.id, service_day: serviceDay })
        .execute();
      return toDepartment(row, []);
    },

    update: async (id, patch) => {
      const row = await db
        .updateTable('departments')
        .set({
          ...(patch.name !== undefined && { name: patch.name }),
          ...(patch.active !== undefined && { active: patch.active }),
          ...(patch.priorityBurst !== undefined && { priority_burst: patch.priorityBurst }),
          ...(patch.maxWaitMinutes !== undefined && { max_wait_minutes: patch.maxWaitMinutes }),
          updated_at: clock.now(),
        })
        .where('id', '=', id)
        .returning('id')
        .executeTakeFirst();
      return row === undefined ? null : findById(id);
    },

    listRooms: async (departmentId, { cursor, limit }) => {
      const after = decodeCursor(cursor);
      let q = db
        .selectFrom('rooms')
        .selectAll()
        .where('department_id', '=', departmentId)
        .orderBy('created_at')
        .orderBy('id')
        .limit(limit + 1);
      if (after !== null) q = q.where(afterKey(after));
      const page = pageOf(
        (await q.execute()).map((r) => ({ ...toRoom(r), createdAt: r.created_at })),
        limit,
      );
      return {
        items: page.items.map(({ createdAt: _c, ...room }) => room),
        nextCursor: page.nextCursor,
      };
    },

    findRoom: async (roomId) => {
      const row = await db
        .selectFrom('rooms')
        .selectAll()
        .where('id', '=', roomId)
        .executeTakeFirst();
      return row === undefined ? null : toRoom(row);
    },

    createRoom: async (departmentId, name) =>
      toRoom(
        await translateUnique(
          () =>
            db
              .insertInto('rooms')
              .values({ department_id: departmentId, name })
              .returningAll()
              .executeTakeFirstOrThrow(),
          { rooms_name_unique: 'A room with this name in this department' },
        ),
      ),

    updateRoom: async (roomId, patch) => {
      const row = await translateUnique(
        () =>
          db
            .updateTable('rooms')
            .set({
              ...(patch.name !== undefined && { name: patch.name }),
              ...(patch.active !== undefined && { active: patch.active }),
            })
            .where('id', '=', roomId)
            .returningAll()
            .executeTakeFirst(),
        { rooms_name_unique: 'A room with this name in this department' },
      );
      return row === undefined ? null : toRoom(row);
    },
  };
};
