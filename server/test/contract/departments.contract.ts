import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import type { Department } from '../../src/domain/department.js';
import {
  counterOf,
  createDepartment,
  domainErrorCode,
  countRows,
  pagesAfter,
  uniqueCode,
  type GetContext,
} from '../support/store-fixtures.js';

const DAY = '2030-03-10';

export const describeDepartmentContract = (ctx: GetContext): void => {
  describe('departments', () => {
    it('create returns the department and creates its counter row', async () => {
      const { tx, handle } = ctx();
      const code = uniqueCode();
      const dep = await tx.run(({ departments }) =>
        departments.create({
          code,
          name: 'Cardiology',
          policy: { priorityBurst: 2, maxWaitMinutes: 45 },
          serviceDay: DAY,
        }),
      );
      expect(dep.id).toMatch(/^[0-9a-f-]{36}$/);
      expect(dep).toEqual({
        id: dep.id,
        code,
        name: 'Cardiology',
        active: true,
        policy: { priorityBurst: 2, maxWaitMinutes: 45 },
        rooms: [],
      });
      expect(await counterOf(handle, dep.id)).toEqual({
        service_day: DAY,
        last_seq: 0,
        last_event_id: 0,
      });
      const { rows } = await sql<{ priority_streak: number }>`
        SELECT priority_streak FROM department_counters WHERE department_id = ${dep.id}`.execute(
        handle.db,
      );
      expect(rows).toEqual([{ priority_streak: 0 }]);
      expect(await tx.run(({ departments }) => departments.findById(dep.id))).toEqual(dep);
    });

    it('a duplicate code is ALREADY_EXISTS and leaves the first department alone', async () => {
      const { tx, handle } = ctx();
      const first = await createDepartment(tx, { serviceDay: DAY, name: 'First' });
      const code = await domainErrorCode(
        createDepartment(tx, { serviceDay: DAY, code: first.code, name: 'Second' }),
      );
      expect(code).toBe('ALREADY_EXISTS');
      expect(
        await countRows(
          handle,
          sql`SELECT count(*)::int AS n FROM departments WHERE code = ${first.code}`,
        ),
      ).toBe(1);
      expect((await tx.run(({ departments }) => departments.findById(first.id)))?.name).toBe(
        'First',
      );
    });

    it('findById returns the rooms (by name); an unknown id is null', async () => {
      const { tx } = ctx();
      const dep = await createDepartment(tx, { serviceDay: DAY });
      const roomB = await tx.run(({ departments }) => departments.createRoom(dep.id, 'Room B'));
      const roomA = await tx.run(({ departments }) => departments.createRoom(dep.id, 'Room A'));
      const other = await createDepartment(tx, { serviceDay: DAY });
      await tx.run(({ departments }) => departments.createRoom(other.id, 'Room C'));

      const found = await tx.run(({ departments }) => departments.findById(dep.id));
      expect(found?.rooms).toEqual([
        { id: roomA.id, departmentId: dep.id, name: 'Room A', active: true },
        { id: roomB.id, departmentId: dep.id, name: 'Room B', active: true },
      ]);
      expect(await tx.run(({ departments }) => departments.findById(randomUUID()))).toBeNull();
    });

    it('list filters by ids and by activeOnly, ordered by code', async () => {
      const { tx } = ctx();
      const deps: Department[] = [];
      for (let i = 0; i < 3; i++) deps.push(await createDepartment(tx, { serviceDay: DAY }));
      const [a, b, c] = deps as [Department, Department, Department];
      await tx.run(({ departments }) => departments.createRoom(a.id, 'One'));
      await tx.run(({ departments }) => departments.update(b.id, { active: false }));
      const ids = [a.id, b.id, c.id];
      const byCode = [...deps].sort((x, y) => x.code.localeCompare(y.code));

      const all = await tx.run(({ departments }) => departments.list({ ids }));
      expect(all.map((d) => d.id)).toEqual(byCode.map((d) => d.id));
      expect(all.find((d) => d.id === a.id)?.rooms.map((r) => r.name)).toEqual(['One']);
      expect(all.find((d) => d.id === b.id)?.active).toBe(false);

      const active = await tx.run(({ departments }) => departments.list({ ids, activeOnly: true }));
      expect(active.map((d) => d.id).sort()).toEqual([a.id, c.id].sort());

      expect(await tx.run(({ departments }) => departments.list({ ids: [] }))).toEqual([]);
      const everyActive = await tx.run(({ departments }) => departments.list({ activeOnly: true }));
      expect(everyActive.map((d) => d.id)).toEqual(expect.arrayContaining([a.id, c.id]));
      expect(everyActive.map((d) => d.id)).not.toContain(b.id);
      expect(everyActive.every((d) => d.active)).toBe(true);
    });

    it('listPage pages by creation with an opaque cursor: 5 departments → 2, 2, 1', async () => {
      const { tx, handle } = ctx();
      const before = await countRows(handle, sql`SELECT count(*)::int AS n FROM departments`);
      const created: Department[] = [];
      for (let i = 0; i < 5; i++) created.push(await createDepartment(tx, { serviceDay: DAY }));

      const { pages, cursors } = await pagesAfter(
        (page) => tx.run(({ departments }) => departments.listPage(page)),
        before,
        2,
      );
      expect(pages.map((p) => p.map((d) => d.id))).toEqual([
        [created[0]?.id, created[1]?.id],
        [created[2]?.id, created[3]?.id],
        [created[4]?.id],
      ]);
      expect(cursors.map((c) => c === null)).toEqual([false, false, true]);
    });

    it('listPage keeps departments created in one transaction apart (same created_at)', async () => {
      const { tx, handle } = ctx();
      const before = await countRows(handle, sql`SELECT count(*)::int AS n FROM departments`);
      const created = await tx.run(async ({ departments }) => {
        const out: Department[] = [];
        for (let i = 0; i < 3; i++) {
          out.push(
            await departments.create({
              code: uniqueCode(),
              name: 'Same moment',
              policy: { priorityBurst: 3, maxWaitMinutes: null },
              serviceDay: DAY,
            }),
          );
        }
        return out;
      });
      const { pages } = await pagesAfter(
        (page) => tx.run(({ departments }) => departments.listPage(page)),
        before,
        1,
      );
      const ids = pages.flat().map((d) => d.id);
      expect(ids).toEqual(created.map((d) => d.id).sort());
    });

    it('listPage refuses a cursor it did not issue with VALIDATION_FAILED', async () => {
      const { tx } = ctx();
      for (const cursor of [
        'not a cursor',
        Buffer.from('["yesterday","x"]').toString('base64url'),
        Buffer.from('{"a":1}').toString('base64url'),
      ]) {
        expect(
          await domainErrorCode(
            tx.run(({ departments }) => departments.listPage({ cursor, limit: 2 })),
          ),
        ).toBe('VALIDATION_FAILED');
      }
    });

    it('update patches name, active and the fairness policy; unknown id is null', async () => {
      const { tx } = ctx();
      const dep = await createDepartment(tx, { serviceDay: DAY, name: 'Before' });
      const updated = await tx.run(({ departments }) =>
        departments.update(dep.id, {
          name: 'After',
          active: false,
          priorityBurst: 5,
          maxWaitMinutes: 30,
        }),
      );
      expect(updated).toEqual({
        ...dep,
        name: 'After',
        active: false,
        policy: { priorityBurst: 5, maxWaitMinutes: 30 },
      });
      const cleared = await tx.run(({ departments }) =>
        departments.update(dep.id, { maxWaitMinutes: null }),
      );
      expect(cleared?.policy).toEqual({ priorityBurst: 5, maxWaitMinutes: null });
      expect(cleared?.name).toBe('After');
      expect(
        await tx.run(({ departments }) => departments.update(randomUUID(), { name: 'x' })),
      ).toBeNull();
    });

    it('createRoom, findRoom and updateRoom', async () => {
      const { tx } = ctx();
      const dep = await createDepartment(tx, { serviceDay: DAY });
      const room = await tx.run(({ departments }) => departments.createRoom(dep.id, 'Room 1'));
      expect(room).toEqual({
        id: room.id,
        departmentId: dep.id,
        name: 'Room 1',
        active: true,
      });
      expect(await tx.run(({ departments }) => departments.findRoom(room.id))).toEqual(room);

      const renamed = await tx.run(({ departments }) =>
        departments.updateRoom(room.id, { name: 'Room 9' }),
      );
      expect(renamed).toEqual({ ...room, name: 'Room 9' });
      const closed = await tx.run(({ departments }) =>
        departments.updateRoom(room.id, { active: false }),
      );
      expect(closed).toEqual({ ...room, name: 'Room 9', active: false });
      expect((await tx.run(({ departments }) => departments.findById(dep.id)))?.rooms).toEqual([
        closed,
      ]);
      expect(await tx.run(({ departments }) => departments.findRoom(randomUUID()))).toBeNull();
      expect(
        await tx.run(({ departments }) => departments.updateRoom(randomUUID(), { name: 'x' })),
      ).toBeNull();
    });

    it('a duplicate room name in one department is ALREADY_EXISTS (create and rename)', async () => {
      const { tx } = ctx();
      const dep = await createDepartment(tx, { serviceDay: DAY });
      const other = await createDepartment(tx, { serviceDay: DAY });
      await tx.run(({ departments }) => departments.createRoom(dep.id, 'Room 1'));
      const second = await tx.run(({ departments }) => departments.createRoom(dep.id, 'Room 2'));

      expect(
        await domainErrorCode(
          tx.run(({ departments }) => departments.createRoom(dep.id, 'Room 1')),
        ),
      ).toBe('ALREADY_EXISTS');
      expect(
        await domainErrorCode(
          tx.run(({ departments }) => departments.updateRoom(second.id, { name: 'Room 1' })),
        ),
      ).toBe('ALREADY_EXISTS');
      // The same name in another department is fine.
      const elsewhere = await tx.run(({ departments }) =>
        departments.createRoom(other.id, 'Room 1'),
      );
      expect(elsewhere.departmentId).toBe(other.id);
      expect(
        (await tx.run(({ departments }) => departments.findById(dep.id)))?.rooms.map((r) => r.name),
      ).toEqual(['Room 1', 'Room 2']);
    });
  });
};
