import type { Actor } from '../domain/actor.js';
import type { Department } from '../domain/department.js';
import type { Transactor, TxStores } from './ports.js';

/**
 * Admins see every department; other staff every active one (a doctor transfers patients
 * to departments they do not work in); kiosks and boards only their own.
 */
export const makeListDepartments =
  ({ tx }: { readonly tx: Transactor<Pick<TxStores, 'departments'>> }) =>
  async ({ actor }: { actor: Actor }): Promise<Department[]> =>
    tx.run(({ departments }) => {
      switch (actor.type) {
        case 'staff':
          return departments.list({ activeOnly: actor.role !== 'admin' });
        case 'kiosk':
        case 'board':
          return departments.list({ ids: actor.departmentIds, activeOnly: true });
        case 'system':
          return departments.list({});
        default: {
          const unreachable: never = actor;
          return unreachable;
        }
      }
    });
