import { randomBytes, randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import type { Device } from '../../src/domain/device.js';
import type { StaffUser } from '../../src/domain/staff-user.js';
import {
  countRows,
  createDepartment,
  domainErrorCode,
  pagesAfter,
  sleep,
  uniqueName,
  type GetContext,
} from '../support/store-fixtures.js';

const DAY = '2030-06-01';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

const tokenHash = () => `hash-${randomBytes(12).toString('hex')}`;

export const describeAccountContract = (ctx: GetContext): void => {
  describe('users', () => {
    it('create returns the user with its departments; findById finds it', async () => {
      const { tx } = ctx();
      const a = await createDepartment(tx, { serviceDay: DAY });
      const b = await createDepartment(tx, { serviceDay: DAY });
      const username = uniqueName('Doctor');
      const before = Date.now();
      const user = await tx.run(({ users }) =>
        users.create({
          username,
          passwordHash: 'hash-1',
          role: 'doctor',
          departmentIds: [b.id, a.id],
        }),
      );
      expect(user.id).toMatch(UUID);
      expect(user.passwordChangedAt).toBeInstanceOf(Date);
      expect(user).toEqual({
        id: user.id,
        username,
        role: 'doctor',
        active: true,
        departmentIds: [a.id, b.id].sort(),
        passwordChangedAt: user.passwordChangedAt,
      });
      expect(Math.abs(user.passwordChangedAt.getTime() - before)).toBeLessThan(60_000);
      expect(await tx.run(({ users }) => users.findById(user.id))).toEqual(user);
      expect(await tx.run(({ users }) => users.findById(randomUUID()))).toBeNull();
    });

    it('findCredentials ignores the case of the username', async () => {
      const { tx } = ctx();
      const username = uniqueName('MixedCase');
      const user = await tx.run(({ users }) =>
        users.create({
          username,
          passwordHash: 'secret-hash',
          role: 'reception',
          departmentIds: [],
        }),
      );
      for (const spelling of [username, username.toLowerCase(), username.toUpperCase()]) {
        expect(await tx.run(({ users }) => users.findCredentials(spelling))).toEqual({
          user,
          passwordHash: 'secret-hash',
        });
      }
      expect(await tx.run(({ users }) => users.findCredentials(`${username}x`))).toBeNull();
    });

    it('a duplicate username, in any case, is ALREADY_EXISTS', async () => {
      const { tx, handle } = ctx();
      const username = uniqueName('Nurse');
      await tx.run(({ users }) =>
        users.create({ username, passwordHash: 'h', role: 'doctor', departmentIds: [] }),
      );
      for (const spelling of [username, username.toUpperCase()]) {
        expect(
          await domainErrorCode(
            tx.run(({ users }) =>
              users.create({
                username: spelling,
                passwordHash: 'h',
                role: 'doctor',
                departmentIds: [],
              }),
            ),
          ),
        ).toBe('ALREADY_EXISTS');
      }
      expect(
        await countRows(
          handle,
          sql`SELECT count(*)::int AS n FROM users WHERE lower(username) = ${username.toLowerCase()}`,
        ),
      ).toBe(1);
    });

    it('update changes departments, role, active and password (passwordChangedAt moves forward)', async () => {
      const { tx } = ctx();
      const a = await createDepartment(tx, { serviceDay: DAY });
      const b = await createDepartment(tx, { serviceDay: DAY });
      const user = await tx.run(({ users }) =>
        users.create({
          username: uniqueName('staff'),
          passwordHash: 'old-hash',
          role: 'doctor',
          departmentIds: [a.id],
        }),
      );

      const moved = await tx.run(({ users }) =>
        users.update(user.id, { departmentIds: [b.id], role: 'reception', active: false }),
      );
      expect(moved).toEqual({
        ...user,
        departmentIds: [b.id],
        role: 'reception',
        active: false,
      });
      const none = await tx.run(({ users }) => users.update(user.id, { departmentIds: [] }));
      expect(none?.departmentIds).toEqual([]);

      await sleep(20);
      const changed = await tx.run(({ users }) =>
        users.update(user.id, { passwordHash: 'new-hash', active: true }),
      );
      expect(changed?.active).toBe(true);
      expect(changed?.passwordChangedAt.getTime()).toBeGreaterThan(
        user.passwordChangedAt.getTime(),
      );
      const creds = await tx.run(({ users }) => users.findCredentials(user.username));
      expect(creds?.passwordHash).toBe('new-hash');
      expect(creds?.user).toEqual(changed);

      // No password in the patch: passwordChangedAt stays.
      const renamedRole = await tx.run(({ users }) => users.update(user.id, { role: 'admin' }));
      expect(renamedRole?.passwordChangedAt).toEqual(changed?.passwordChangedAt);
      expect(await tx.run(({ users }) => users.update(randomUUID(), { active: false }))).toBeNull();
    });

    it('upsertAdmin creates the admin, then resets and reactivates it', async () => {
      const { tx } = ctx();
      const username = uniqueName('Admin');
      const first = await tx.run(({ users }) => users.upsertAdmin(username, 'hash-a'));
      expect(first.created).toBe(true);
      expect(first.user).toMatchObject({ username, role: 'admin', active: true });

      await tx.run(({ users }) => users.update(first.user.id, { active: false, role: 'doctor' }));
      await sleep(20);
      const second = await tx.run(({ users }) =>
        users.upsertAdmin(username.toLowerCase(), 'hash-b'),
      );
      expect(second.created).toBe(false);
      expect(second.user).toMatchObject({
        id: first.user.id,
        username,
        role: 'admin',
        active: true,
      });
      expect(second.user.passwordChangedAt.getTime()).toBeGreaterThan(
        first.user.passwordChangedAt.getTime(),
      );
      expect((await tx.run(({ users }) => users.findCredentials(username)))?.passwordHash).toBe(
        'hash-b',
      );
    });

    it('list pages by creation: 5 users → 2, 2, 1', async () => {
      const { tx, handle } = ctx();
      const before = await countRows(handle, sql`SELECT count(*)::int AS n FROM users`);
      const created: StaffUser[] = [];
      for (let i = 0; i < 5; i++) {
        created.push(
          await tx.run(({ users }) =>
            users.create({
              username: uniqueName(`pager${i}`),
              passwordHash: 'h',
              role: 'doctor',
              departmentIds: [],
            }),
          ),
        );
      }
      const { pages, cursors } = await pagesAfter(
        (page) => tx.run(({ users }) => users.list(page)),
        before,
        2,
      );
      expect(pages.map((p) => p.map((u) => u.id))).toEqual([
        [created[0]?.id, created[1]?.id],
        [created[2]?.id, created[3]?.id],
        [created[4]?.id],
      ]);
      expect(cursors.map((c) => c === null)).toEqual([false, false, true]);
      expect(
        await domainErrorCode(tx.run(({ users }) => users.list({ cursor: 'garbage', limit: 2 }))),
      ).toBe('VALIDATION_FAILED');
    });
  });

  describe('devices', () => {
    it('create stores the departments; findById finds it', async () => {
      const { tx } = ctx();
      const a = await createDepartment(tx, { serviceDay: DAY });
      const b = await createDepartment(tx, { serviceDay: DAY });
      const device = await tx.run(({ devices }) =>
        devices.create({
          kind: 'kiosk',
          name: 'Lobby kiosk',
          tokenHash: tokenHash(),
          language: 'fr',
          departmentIds: [b.id, a.id],
        }),
      );
      expect(device.id).toMatch(UUID);
      expect(device.createdAt).toBeInstanceOf(Date);
      expect(device).toEqual({
        id: device.id,
        kind: 'kiosk',
        name: 'Lobby kiosk',
        active: true,
        language: 'fr',
        departmentIds: [a.id, b.id].sort(),
        createdAt: device.createdAt,
      });
      expect(await tx.run(({ devices }) => devices.findById(device.id))).toEqual(device);
      expect(await tx.run(({ devices }) => devices.findById(randomUUID()))).toBeNull();
    });

    it('findActiveByTokenHash finds active devices only', async () => {
      const { tx } = ctx();
      const hash = tokenHash();
      const device = await tx.run(({ devices }) =>
        devices.create({
          kind: 'board',
          name: 'Hall TV',
          tokenHash: hash,
          language: null,
          departmentIds: [],
        }),
      );
      expect(await tx.run(({ devices }) => devices.findActiveByTokenHash(hash))).toEqual(device);
      expect(await tx.run(({ devices }) => devices.findActiveByTokenHash(tokenHash()))).toBeNull();
      await tx.run(({ devices }) => devices.update(device.id, { active: false }));
      expect(await tx.run(({ devices }) => devices.findActiveByTokenHash(hash))).toBeNull();
      await tx.run(({ devices }) => devices.update(device.id, { active: true }));
      expect((await tx.run(({ devices }) => devices.findActiveByTokenHash(hash)))?.id).toBe(
        device.id,
      );
    });

    it('update patches name, language, active and departments; unknown id is null', async () => {
      const { tx } = ctx();
      const a = await createDepartment(tx, { serviceDay: DAY });
      const b = await createDepartment(tx, { serviceDay: DAY });
      const device = await tx.run(({ devices }) =>
        devices.create({
          kind: 'board',
          name: 'Old name',
          tokenHash: tokenHash(),
          language: 'en',
          departmentIds: [a.id],
        }),
      );
      const updated = await tx.run(({ devices }) =>
        devices.update(device.id, { name: 'New name', language: null, departmentIds: [b.id] }),
      );
      expect(updated).toEqual({
        ...device,
        name: 'New name',
        language: null,
        departmentIds: [b.id],
      });
      const unchanged = await tx.run(({ devices }) => devices.update(device.id, {}));
      expect(unchanged).toEqual(updated);
      expect(await tx.run(({ devices }) => devices.update(randomUUID(), { name: 'x' }))).toBeNull();
    });

    it('list returns one kind, paged by creation', async () => {
      const { tx, handle } = ctx();
      const boardsBefore = await countRows(
        handle,
        sql`SELECT count(*)::int AS n FROM devices WHERE kind = 'board'`,
      );
      const boards: Device[] = [];
      for (let i = 0; i < 3; i++) {
        boards.push(
          await tx.run(({ devices }) =>
            devices.create({
              kind: 'board',
              name: `Board ${i}`,
              tokenHash: tokenHash(),
              language: null,
              departmentIds: [],
            }),
          ),
        );
        await tx.run(({ devices }) =>
          devices.create({
            kind: 'kiosk',
            name: `Kiosk ${i}`,
            tokenHash: tokenHash(),
            language: null,
            departmentIds: [],
          }),
        );
      }
      const { pages, cursors } = await pagesAfter(
        (page) => tx.run(({ devices }) => devices.list('board', page)),
        boardsBefore,
        2,
      );
      expect(pages.map((p) => p.map((d) => d.id))).toEqual([
        [boards[0]?.id, boards[1]?.id],
        [boards[2]?.id],
      ]);
      expect(cursors).toEqual([expect.any(String), null]);
      expect(pages.flat().every((d) => d.kind === 'board')).toBe(true);
    });
  });

  describe('audit', () => {
    it('record writes one row with actor, action, entity, before/after and meta', async () => {
      const { tx, handle } = ctx();
      const entityId = randomUUID();
      await tx.run(({ audit }) =>
        audit.record({
          actor: { type: 'staff', id: 'user-1' },
          action: 'department.updated',
          entity: 'department',
          entityId,
          before: { name: 'Old' },
          after: { name: 'New', active: false },
          meta: { ip: '10.0.0.7', requestId: 'req-42' },
        }),
      );
      await tx.run(({ audit }) =>
        audit.record({
          actor: { type: 'anonymous', id: null },
          action: 'auth.login_failed',
          entity: 'user',
          entityId: null,
          meta: { ip: null, requestId: null },
        }),
      );
      const { rows } = await sql<Record<string, unknown>>`
        SELECT actor_type, actor_id, action, entity, entity_id, before, after, ip, request_id,
          at IS NOT NULL AS has_at
        FROM audit_events WHERE entity_id = ${entityId}`.execute(handle.db);
      expect(rows).toEqual([
        {
          actor_type: 'staff',
          actor_id: 'user-1',
          action: 'department.updated',
          entity: 'department',
          entity_id: entityId,
          before: { name: 'Old' },
          after: { name: 'New', active: false },
          ip: '10.0.0.7',
          request_id: 'req-42',
          has_at: true,
        },
      ]);
    });

    it('the database refuses UPDATE, DELETE and TRUNCATE on audit_events', async () => {
      const { tx, handle } = ctx();
      const entityId = randomUUID();
      await tx.run(({ audit }) =>
        audit.record({
          actor: { type: 'system', id: 'test' },
          action: 'test.append_only',
          entity: 'test',
          entityId,
          meta: { ip: null, requestId: null },
        }),
      );
      await expect(
        sql`UPDATE audit_events SET action = 'tampered' WHERE entity_id = ${entityId}`.execute(
          handle.db,
        ),
      ).rejects.toThrow(/append-only/);
      await expect(
        sql`DELETE FROM audit_events WHERE entity_id = ${entityId}`.execute(handle.db),
      ).rejects.toThrow(/append-only/);
      // In a transaction that rolls back anyway, so a missing trigger cannot wipe the log.
      class Rollback extends Error {}
      await expect(
        handle.db.transaction().execute(async (trx) => {
          await sql`TRUNCATE audit_events`.execute(trx);
          throw new Rollback();
        }),
      ).rejects.toThrow(/append-only/);
      const { rows } = await sql<{ action: string }>`
        SELECT action FROM audit_events WHERE entity_id = ${entityId}`.execute(handle.db);
      expect(rows).toEqual([{ action: 'test.append_only' }]);
    });
  });
};
