import { sql, type Kysely, type Selectable } from 'kysely';
import type { Clock, DeviceStore } from '../../application/ports.js';
import type { Device, DeviceKind } from '../../domain/device.js';
import { afterKey, decodeCursor, pageOf } from './cursor.js';
import type { Database, DevicesTable } from './schema.js';

export const makeDeviceStore = (db: Kysely<Database>, clock: Clock): DeviceStore => {
  const toDevices = async (rows: Selectable<DevicesTable>[]): Promise<Device[]> => {
    if (rows.length === 0) return [];
    const links = await db
      .selectFrom('device_departments')
      .select(['device_id', 'department_id'])
      .where(
        'device_id',
        'in',
        rows.map((r) => r.id),
      )
      .orderBy('department_id')
      .execute();
    return rows.map((r) => ({
      id: r.id,
      kind: r.kind as DeviceKind,
      name: r.name,
      active: r.active,
      language: r.language,
      departmentIds: links.filter((l) => l.device_id === r.id).map((l) => l.department_id),
      createdAt: r.created_at,
    }));
  };

  const findById = async (id: string): Promise<Device | null> => {
    const row = await db.selectFrom('devices').selectAll().where('id', '=', id).executeTakeFirst();
    return row === undefined ? null : ((await toDevices([row]))[0] ?? null);
  };

  const setDepartments = async (deviceId: string, ids: readonly string[]): Promise<void> => {
    await db.deleteFrom('device_departments').where('device_id', '=', deviceId).execute();
    if (ids.length > 0) {
      await db
        .insertInto('device_departments')
        .values(ids.map((department_id) => ({ device_id: deviceId, department_id })))
        .execute();
    }
  };

  return {
    findById,

    // Every kiosk and board request: the device and its departments in one round trip.
    findActiveByTokenHash: async (tokenHash) => {
      const rows = await sql<Selectable<DevicesTable> & { department_ids: string[] }>`
        SELECT d.*, ARRAY(
          SELECT dd.department_id::text FROM device_departments dd
          WHERE dd.device_id = d.id ORDER BY dd.department_id
        ) AS department_ids
        FROM devices d
        WHERE d.token_hash = ${tokenHash} AND d.active`.execute(db);
      const r = rows.rows[0];
      return r === undefined
        ? null
        : {
            id: r.id,
            kind: r.kind as DeviceKind,
            name: r.name,
            active: r.active,
            language: r.language,
            departmentIds: r.department_ids,
            createdAt: r.created_at,
          };
    },

    list: async (kind, { cursor, limit }) => {
      const after = decodeCursor(cursor);
      let q = db
        .selectFrom('devices')
        .selectAll()
        .where('kind', '=', kind)
        .orderBy('created_at')
        .orderBy('id')
        .limit(limit + 1);
      if (after !== null) q = q.where(afterKey(after));
      const page = pageOf(await toDevices(await q.execute()), limit);
      return page;
    },

    create: async ({ kind, name, tokenHash, language, departmentIds }) => {
      const row = await db
        .insertInto('devices')
        .values({ kind, name, token_hash: tokenHash, language })
        .returning('id')
        .executeTakeFirstOrThrow();
      await setDepartments(row.id, departmentIds);
      return (await findById(row.id)) as Device;
    },

    update: async (id, patch) => {
      const row = await db
        .updateTable('devices')
        .set({
          ...(patch.name !== undefined && { name: patch.name }),
          ...(patch.active !== undefined && { active: patch.active }),
          ...(patch.language !== undefined && { language: patch.language }),
          updated_at: clock.now(),
        })
        .where('id', '=', id)
        .returning('id')
        .executeTakeFirst();
      if (row === undefined) return null;
      if (patch.departmentIds !== undefined) await setDepartments(id, patch.departmentIds);
      return findById(id);
    },
  };
};
