import { sql, type Kysely } from 'kysely';
import type { IdempotencyStore } from '../../application/ports.js';
import type { Database } from './schema.js';

export const makeIdempotencyStore = (db: Kysely<Database>): IdempotencyStore => ({
  /**
   * ON CONFLICT DO NOTHING waits for a concurrent inserter of the same key to commit or
   * roll back, so a twin request sees either the finished record or a free key — never a
   * half-made check-in. The primary key is the durable backstop behind any Redis claim.
   */
  claim: async ({ credential, key, fingerprint }) => {
    const inserted = await sql<{ credential: string }>`
      INSERT INTO idempotency_keys (credential, key, fingerprint)
      VALUES (${credential}, ${key}, ${fingerprint})
      ON CONFLICT (credential, key) DO NOTHING
      RETURNING credential`.execute(db);
    if (inserted.rows.length > 0) return { kind: 'claimed' };
    const existing = await db
      .selectFrom('idempotency_keys')
      .select(['fingerprint', 'visit_id'])
      .where('credential', '=', credential)
      .where('key', '=', key)
      .executeTakeFirstOrThrow();
    return { kind: 'exists', fingerprint: existing.fingerprint, visitId: existing.visit_id };
  },
});
