import { sql, type Kysely, type Selectable } from 'kysely';
import type { Clock, UserStore } from '../../application/ports.js';
import type { StaffRole } from '../../domain/actor.js';
import type { StaffUser } from '../../domain/staff-user.js';
import { afterKey, decodeCursor, pageOf } from './cursor.js';
import { translateUnique } from './pg-errors.js';
import type { Database, UsersTable } from './schema.js';

const uniqueUsername = { users_username_unique: 'A user with this username' };

export const makeUserStore = (db: Kysely<Database>, clock: Clock): UserStore => {
  const departmentsOf = async (userIds: string[]): Promise<Map<string, string[]>> => {
    const map = new Map<string, string[]>(userIds.map((id) => [id, []]));
    if (userIds.length === 0) return map;
    const rows = await db
      .selectFrom('user_departments')
      .select(['user_id', 'department_id'])
      .where('user_id', 'in', userIds)
      .orderBy('department_id')
      .execute();
    for (const r of rows) map.get(r.user_id)?.push(r.department_id);
    return map;
  };

  const toUsers = async (rows: Selectable<UsersTable>[]): Promise<StaffUser[]> => {
    const deps = await departmentsOf(rows.map((r) => r.id));
    return rows.map((r) => ({
      id: r.id,
      username: r.username,
      role: r.role as StaffRole,
      active: r.active,
      departmentIds: deps.get(r.id) ?? [],
      passwordChangedAt: r.password_changed_at,
    }));
  };

  /** The user and their departments in one round trip (this runs on every staff request). */
  const findOne = async (id: string, sessionFamilyId?: string): Promise<StaffUser | null> => {
    const rows = await sql<Selectable<UsersTable> & { department_ids: string[] }>`
      SELECT u.*, ARRAY(
        SELECT ud.department_id::text FROM user_departments ud
        WHERE ud.user_id = u.id ORDER BY ud.department_id
      ) AS department_ids
      FROM users u
      WHERE u.id = ${id}
        AND (${sessionFamilyId ?? null}::uuid IS NULL OR EXISTS (
          SELECT 1 FROM sessions s
          WHERE s.family_id = ${sessionFamilyId ?? null}::uuid AND s.user_id = u.id
            AND s.revoked_at IS NULL AND s.expires_at > ${clock.now()}
        ))`.execute(db);
    const r = rows.rows[0];
    return r === undefined
      ? null
      : {
          id: r.id,
          username: r.username,
          role: r.role as StaffRole,
          active: r.active,
          departmentIds: r.department_ids,
          passwordChangedAt: r.password_changed_at,
        };
  };
  const findById = (id: string): Promise<StaffUser | null> => findOne(id);

  const setDepartments = async (userId: string, ids: readonly string[]): Promise<void> => {
    await db.deleteFrom('user_departments').where('user_id', '=', userId).execute();
    if (ids.length > 0) {
      await db
        .insertInto('user_departments')
        .values(ids.map((department_id) => ({ user_id: userId, department_id })))
        .execute();
    }
  };

  return {
    findById,
    findInOpenSession: (id, sessionFamilyId) => findOne(id, sessionFamilyId),

    findCredentials: async (username) => {
      const row = await db
        .selectFrom('users')
        .selectAll()
        .where(sql<string>`lower(username)`, '=', username.toLowerCase())
        .executeTakeFirst();
      if (row === undefined) return null;
      const [user] = await toUsers([row]);
      return user === undefined ? null : { user, passwordHash: row.password_hash };
    },

    list: async ({ cursor, limit }) => {
      const after = decodeCursor(cursor);
      let q = db
        .selectFrom('users')
        .selectAll()
        .orderBy('created_at')
        .orderBy('id')
        .limit(limit + 1);
      if (after !== null) q = q.where(afterKey(after));
      const page = pageOf(
        (await q.execute()).map((r) => ({ ...r, createdAt: r.created_at })),
        limit,
      );
      return { items: await toUsers(page.items), nextCursor: page.nextCursor };
    },

    create: async ({ username, passwordHash, role, departmentIds }) => {
      const row = await translateUnique(
        () =>
          db
            .insertInto('users')
            .values({
              username,
              password_hash: passwordHash,
              role,
              password_changed_at: clock.now(),
            })
            .returningAll()
            .executeTakeFirstOrThrow(),
        uniqueUsername,
      );
      await setDepartments(row.id, departmentIds);
      return (await findById(row.id)) as StaffUser;
    },

    update: async (id, patch) => {
      const now = clock.now();
      const row = await db
        .updateTable('users')
        .set({
          ...(patch.role !== undefined && { role: patch.role }),
          ...(patch.active !== undefined && { active: patch.active }),
          ...(patch.passwordHash !== undefined && {
            password_hash: patch.passwordHash,
            password_changed_at: now,
          }),
          updated_at: now,
        })
        .where('id', '=', id)
        .returning('id')
        .executeTakeFirst();
      if (row === undefined) return null;
      if (patch.departmentIds !== undefined) await setDepartments(id, patch.departmentIds);
      return findById(id);
    },

    upsertAdmin: async (username, passwordHash) => {
      const now = clock.now();
      const existing = await db
        .selectFrom('users')
        .select('id')
        .where(sql<string>`lower(username)`, '=', username.toLowerCase())
        .forUpdate()
        .executeTakeFirst();
      if (existing === undefined) {
        const row = await translateUnique(
          () =>
            db
              .insertInto('users')
              .values({
                username,
                password_hash: passwordHash,
                role: 'admin',
                password_changed_at: now,
              })
              .returning('id')
              .executeTakeFirstOrThrow(),
          uniqueUsername,
        );
        return { user: (await findById(row.id)) as StaffUser, created: true };
      }
      await db
        .updateTable('users')
        .set({
          password_hash: passwordHash,
          role: 'admin',
          active: true,
          password_changed_at: now,
          updated_at: now,
        })
        .where('id', '=', existing.id)
        .execute();
      return { user: (await findById(existing.id)) as StaffUser, created: false };
    },
  };
};
