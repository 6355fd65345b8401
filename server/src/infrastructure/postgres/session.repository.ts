import type { Kysely } from 'kysely';
import type { Clock, LoginThrottle, SessionStore } from '../../application/ports.js';
import type { Database } from './schema.js';

export const makeSessionStore = (db: Kysely<Database>, clock: Clock): SessionStore => ({
  create: async (s) => {
    const now = clock.now();
    await db
      .insertInto('sessions')
      .values({
        id: s.id,
        family_id: s.familyId,
        user_id: s.userId,
        token_hash: s.tokenHash,
        created_at: now,
        started_at: s.startedAt,
        last_used_at: now,
        expires_at: s.expiresAt,
        ip: s.ip,
        user_agent: s.userAgent,
      })
      .execute();
  },

  lockByTokenHash: async (tokenHash) => {
    const row = await db
      .selectFrom('sessions')
      .selectAll()
      .where('token_hash', '=', tokenHash)
      .forUpdate()
      .executeTakeFirst();
    return row === undefined
      ? null
      : {
          id: row.id,
          familyId: row.family_id,
          userId: row.user_id,
          startedAt: row.started_at,
          expiresAt: row.expires_at,
          rotatedAt: row.rotated_at,
          revokedAt: row.revoked_at,
        };
  },

  markRotated: async (id, at) => {
    await db
      .updateTable('sessions')
      .set({ rotated_at: at, last_used_at: at })
      .where('id', '=', id)
      .execute();
  },

  revokeFamily: async (familyId, at) => {
    await db
      .updateTable('sessions')
      .set({ revoked_at: at })
      .where('family_id', '=', familyId)
      .where('revoked_at', 'is', null)
      .execute();
  },

  revokeUserFamiliesExcept: async (userId, keepFamilyId, at) => {
    let q = db
      .updateTable('sessions')
      .set({ revoked_at: at })
      .where('user_id', '=', userId)
      .where('revoked_at', 'is', null);
    if (keepFamilyId !== null) q = q.where('family_id', '!=', keepFamilyId);
    await q.execute();
  },

  familyActive: async (familyId, at) => {
    const row = await db
      .selectFrom('sessions')
      .select('id')
      .where('family_id', '=', familyId)
      .where('revoked_at', 'is', null)
      .where('expires_at', '>', at)
      .limit(1)
      .executeTakeFirst();
    return row !== undefined;
  },

  familyOwner: async (familyId) => {
    const row = await db
      .selectFrom('sessions')
      .select('user_id')
      .where('family_id', '=', familyId)
      .limit(1)
      .executeTakeFirst();
    return row?.user_id ?? null;
  },

  // A family's current token is its one unrotated row; revocation marks every row, and
  // the current token's expiry is the family's (rotation only ever moves it later).
  listActive: async (userId, at) => {
    const rows = await db
      .selectFrom('sessions')
      .select(['family_id', 'started_at', 'last_used_at', 'expires_at', 'ip', 'user_agent'])
      .where('user_id', '=', userId)
      .where('rotated_at', 'is', null)
      .where('revoked_at', 'is', null)
      .where('expires_at', '>', at)
      .orderBy('started_at', 'desc')
      .orderBy('family_id')
      .execute();
    return rows.map((r) => ({
      id: r.family_id,
      userId,
      createdAt: r.started_at,
      lastUsedAt: r.last_used_at,
      expiresAt: r.expires_at,
      ip: r.ip,
      userAgent: r.user_agent,
    }));
  },
});

export const makeLoginThrottle = (db: Kysely<Database>): LoginThrottle => ({
  failuresSince: async (username, since) => {
    const rows = await db
      .selectFrom('login_failures')
      .select('at')
      .where('username', '=', username)
      .where('at', '>', since)
      .orderBy('at')
      .execute();
    return rows.map((r) => r.at);
  },
  recordFailure: async (username, at) => {
    await db.insertInto('login_failures').values({ username, at }).execute();
  },
  clear: async (username) => {
    await db.deleteFrom('login_failures').where('username', '=', username).execute();
  },
});
