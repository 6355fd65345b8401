import type { Actor } from '../domain/actor.js';
import { notFound } from '../domain/errors.js';
import type { Visit } from '../domain/visit.js';
import { requireCaller, requireScope } from './authorize.js';
import type { RequestMeta, Transactor, TxStores } from './ports.js';

/** A staff read of one visit. It shows patient data, so the read itself is audited. */
export const makeGetVisit =
  ({ tx }: { readonly tx: Transactor<Pick<TxStores, 'visits' | 'audit'>> }) =>
  async ({
    actor,
    meta,
    visitId,
  }: {
    actor: Actor;
    meta: RequestMeta;
    visitId: string;
  }): Promise<Visit> => {
    requireCaller(actor, ['admin', 'reception', 'doctor']);
    return tx.run(async ({ visits, audit }) => {
      const visit = await visits.findById(visitId);
      if (visit === null) throw notFound('Visit');
      requireScope(actor, visit.departmentId);
      await audit.record({
        actor,
        meta,
        action: 'visit.read',
        entity: 'visit',
        entityId: visit.id,
      });
      return visit;
    });
  };
