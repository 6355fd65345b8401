import type { Actor } from '../domain/actor.js';
import { DomainError } from '../domain/errors.js';
import type { Device } from '../domain/device.js';
import type { Transactor, TxStores } from './ports.js';

/** A paired kiosk or board asks who it is: its name, language and departments. */
export const makeGetCurrentDevice =
  ({ tx }: { readonly tx: Transactor<Pick<TxStores, 'devices'>> }) =>
  async ({ actor }: { actor: Actor }): Promise<Device> => {
    const device =
      actor.type === 'kiosk' || actor.type === 'board'
        ? await tx.autocommit(({ devices }) => devices.findById(actor.id))
        : null;
    if (device === null || !device.active) {
      throw new DomainError('UNAUTHENTICATED', 'Not a device credential');
    }
    return device;
  };
