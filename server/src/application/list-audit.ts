import type { Actor } from '../domain/actor.js';
import { requireAdmin } from './authorize.js';
import type { AuditQuery, AuditReader, Transactor, TxStores } from './ports.js';

interface Deps {
  readonly tx: Transactor<Pick<TxStores, 'auditReader'>>;
}

/**
 * The audit log for admins (docs/api.md, Admin → audit): newest first, filtered, keyset-paged.
 * Rows hold ids, states and request metadata, never patient data (see visit-audit.ts).
 */
export const makeListAudit =
  ({ tx }: Deps) =>
  async ({
    actor,
    query,
  }: {
    actor: Actor;
    query: AuditQuery;
  }): ReturnType<AuditReader['list']> => {
    requireAdmin(actor);
    return tx.run(({ auditReader }) => auditReader.list(query));
  };

export type ListAudit = ReturnType<typeof makeListAudit>;
