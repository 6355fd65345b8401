import { randomBytes, randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { uniqueName, type GetContext } from '../support/store-fixtures.js';

const HOUR = 60 * 60_000;

/** SessionStore on both backends: what an admin lists and revokes. */
export const describeSessionContract = (ctx: GetContext): void => {
  describe('sessions', () => {
    it("lists a user's open families by their current token; revocation and expiry end them", async () => {
      const { tx } = ctx();
      const user = await tx.run(({ users }) =>
        users.create({
          username: uniqueName('sess'),
          passwordHash: 'h',
          role: 'doctor',
          departmentIds: [],
        }),
      );
      const t0 = new Date('2030-06-01T08:00:00Z');
      const issue = (familyId: string, startedAt: Date, userAgent: string) =>
        tx.run(({ sessions }) =>
          sessions.create({
            id: randomUUID(),
            familyId,
            userId: user.id,
            tokenHash: `hash-${randomBytes(12).toString('hex')}`,
            startedAt,
            expiresAt: new Date(startedAt.getTime() + 12 * HOUR),
            ip: '192.0.2.1',
            userAgent,
          }),
        );
      const [a, b] = [randomUUID(), randomUUID()];
      await issue(a, t0, 'first');
      const later = new Date(t0.getTime() + HOUR);
      await issue(b, later, 'second');

      const listed = await tx.autocommit(({ sessions }) => sessions.listActive(user.id, later));
      expect(
        listed.map((s) => [
          s.id,
          s.userAgent,
          s.createdAt.toISOString(),
          s.expiresAt.toISOString(),
        ]),
      ).toEqual([
        [b, 'second', later.toISOString(), new Date(later.getTime() + 12 * HOUR).toISOString()],
        [a, 'first', t0.toISOString(), new Date(t0.getTime() + 12 * HOUR).toISOString()],
      ]);
      expect(await tx.autocommit(({ sessions }) => sessions.familyOwner(a))).toBe(user.id);
      expect(await tx.autocommit(({ sessions }) => sessions.familyOwner(randomUUID()))).toBeNull();

      await tx.run(({ sessions }) => sessions.revokeFamily(b, later));
      expect(
        (await tx.autocommit(({ sessions }) => sessions.listActive(user.id, later))).map(
          (s) => s.id,
        ),
      ).toEqual([a]);
      // By the given clock, not the database's: 12 hours after t0, a has ended.
      const end = new Date(t0.getTime() + 12 * HOUR);
      expect(await tx.autocommit(({ sessions }) => sessions.listActive(user.id, end))).toEqual([]);
      expect(await tx.autocommit(({ sessions }) => sessions.familyActive(a, end))).toBe(false);
    });
  });
};
