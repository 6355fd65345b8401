import type { Kysely } from 'kysely';
import type { IdempotencyStore } from '../../application/ports.js';
import type { Database } from './schema.js';

/**
 * Read side of the idempotency record. The record itself is written by the check-in
 * statement (visit.repository.ts), under the primary key (credential, key): the durable
 * backstop behind any Redis claim.
 */
export const makeIdempotencyStore = (db: Kysely<Database>): IdempotencyStore => ({
  find: async (credential, key) => {
    const row = await db
      .selectFrom('idempotency_keys')
      .select(['fingerprint', 'visit_id'])
      .where('credential', '=', credential)
      .where('key', '=', key)
      .executeTakeFirst();
    return row === undefined ? null : { fingerprint: row.fingerprint, visitId: row.visit_id };
  },
});
