import type { Actor } from '../domain/actor.js';
import { notFound } from '../domain/errors.js';
import { requireDepartmentsExist } from './admin-users.js';
import { requireAdmin } from './authorize.js';
import type { Device, DeviceKind } from '../domain/device.js';
import type {
  ControlPublisher,
  DeviceTokens,
  Page,
  RequestMeta,
  Transactor,
  TxStores,
} from './ports.js';

interface Call {
  readonly actor: Actor;
  readonly meta: RequestMeta;
}

export interface NewDevice {
  readonly name: string;
  readonly departmentIds: readonly string[];
  readonly language?: string | undefined;
}

export interface DeviceChanges {
  readonly name?: string | undefined;
  readonly active?: boolean | undefined;
  readonly language?: string | undefined;
  readonly departmentIds?: readonly string[] | undefined;
}

/**
 * Kiosks and boards: revocable device credentials scoped to departments. The token is
 * returned once, by create; only its hash is stored.
 */
export const makeDeviceAdmin = ({
  tx,
  tokens,
  control,
}: {
  readonly tx: Transactor<Pick<TxStores, 'devices' | 'departments' | 'audit'>>;
  readonly tokens: DeviceTokens;
  readonly control: ControlPublisher;
}) => ({
  list: async ({ actor, kind, page }: { actor: Actor; kind: DeviceKind; page: Page }) => {
    requireAdmin(actor);
    return tx.run(({ devices }) => devices.list(kind, page));
  },

  create: async ({
    actor,
    meta,
    kind,
    input,
  }: Call & { kind: DeviceKind; input: NewDevice }): Promise<{ device: Device; token: string }> => {
    requireAdmin(actor);
    const { token, tokenHash } = tokens.issue(kind);
    return tx.run(async ({ devices, departments, audit }) => {
      await requireDepartmentsExist(departments, input.departmentIds);
      const device = await devices.create({
        kind,
        name: input.name,
        tokenHash,
        language: input.language ?? null,
        departmentIds: [...new Set(input.departmentIds)],
      });
      await audit.record({
        actor,
        meta,
        action: `${kind}.created`,
        entity: kind,
        entityId: device.id,
        after: device,
      });
      return { device, token };
    });
  },

  update: async ({
    actor,
    meta,
    kind,
    id,
    changes,
  }: Call & { kind: DeviceKind; id: string; changes: DeviceChanges }): Promise<Device> => {
    requireAdmin(actor);
    const updated = await tx.run(async ({ devices, departments, audit }) => {
      const before = await devices.findById(id);
      if (before === null || before.kind !== kind)
        throw notFound(kind === 'kiosk' ? 'Kiosk' : 'Board');
      if (changes.departmentIds !== undefined)
        await requireDepartmentsExist(departments, changes.departmentIds);
      const after = await devices.update(id, {
        ...changes,
        departmentIds:
          changes.departmentIds === undefined ? undefined : [...new Set(changes.departmentIds)],
      });
      if (after === null) throw notFound('Device');
      await audit.record({
        actor,
        meta,
        action: `${kind}.updated`,
        entity: kind,
        entityId: id,
        before,
        after,
      });
      return after;
    });
    // A revoked device, or one given other departments, loses its open streams everywhere.
    control.announce({
      kind: 'device_changed',
      deviceId: updated.id,
      active: updated.active,
      departmentIds: updated.departmentIds,
    });
    return updated;
  },
});

export type DeviceAdmin = ReturnType<typeof makeDeviceAdmin>;
