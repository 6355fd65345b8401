import type { Actor } from '../domain/actor.js';
import { DomainError } from '../domain/errors.js';
import type { StaffUser } from '../domain/staff-user.js';
import type { Transactor, TxStores } from './ports.js';

export const makeGetCurrentUser =
  ({ tx }: { readonly tx: Transactor<Pick<TxStores, 'users'>> }) =>
  async ({ actor }: { actor: Actor }): Promise<StaffUser> => {
    const user =
      actor.type === 'staff' ? await tx.run(({ users }) => users.findById(actor.id)) : null;
    if (user === null) throw new DomainError('UNAUTHENTICATED', 'Not a staff session');
    return user;
  };
