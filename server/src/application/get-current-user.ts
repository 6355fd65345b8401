import type { Actor } from '../domain/actor.js';
import { DomainError } from '../domain/errors.js';
import type { StaffUser, Transactor } from './ports.js';

export const makeGetCurrentUser =
  ({ tx }: { readonly tx: Transactor }) =>
  async ({ actor }: { actor: Actor }): Promise<StaffUser> => {
    const user =
      actor.type === 'staff' ? await tx.run(({ users }) => users.findById(actor.id)) : null;
    if (user === null) throw new DomainError('UNAUTHENTICATED', 'Not a staff session');
    return user;
  };
