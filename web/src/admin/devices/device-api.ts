import { unwrap, type Api } from '../../shared/api/client';
import type { DeviceKind } from '../../shared/device/pairing';
import type { Board, Kiosk } from '../common/admin-api';
import type { Page } from '../common/use-paged-list';

export type Device = Kiosk | Board;
export type Language = 'en' | 'fr';

export interface NewDevice {
  readonly name: string;
  readonly departmentIds: string[];
  readonly language: Language;
}

export interface DeviceApi {
  list(cursor: string | undefined, limit: number): Promise<Page<Device>>;
  /** The token comes back from this call only: it is shown once and never stored. */
  create(input: NewDevice): Promise<{ device: Device; token: string }>;
  revoke(id: string): Promise<unknown>;
}

/** Kiosks and boards are managed alike; their paths differ, and only boards have a language. */
export const deviceApi = (api: Api, kind: DeviceKind): DeviceApi =>
  kind === 'kiosk'
    ? {
        list: async (cursor, limit) => {
          const d = await unwrap(
            api.GET('/api/v1/admin/kiosks', { params: { query: { cursor, limit } } }),
          );
          return { items: d.kiosks, nextCursor: d.nextCursor };
        },
        create: async ({ name, departmentIds }) => {
          const d = await unwrap(
            api.POST('/api/v1/admin/kiosks', { body: { name, departmentIds } }),
          );
          return { device: d.kiosk, token: d.token };
        },
        revoke: (id) =>
          unwrap(api.DELETE('/api/v1/admin/kiosks/{id}', { params: { path: { id } } })),
      }
    : {
        list: async (cursor, limit) => {
          const d = await unwrap(
            api.GET('/api/v1/admin/boards', { params: { query: { cursor, limit } } }),
          );
          return { items: d.boards, nextCursor: d.nextCursor };
        },
        create: async (input) => {
          const d = await unwrap(api.POST('/api/v1/admin/boards', { body: input }));
          return { device: d.board, token: d.token };
        },
        revoke: (id) =>
          unwrap(api.DELETE('/api/v1/admin/boards/{id}', { params: { path: { id } } })),
      };

/**
 * docs/screens.md "Pairing a kiosk or a board": `<origin>/kiosk#pair=<token>` or
 * `<origin>/board/<boardId>#pair=<token>`. The token rides in the fragment, which browsers
 * never send to a server, so it reaches no log on the way to the device.
 */
export const pairingLink = (
  kind: DeviceKind,
  device: Pick<Device, 'id'>,
  token: string,
  origin = window.location.origin,
): string =>
  kind === 'kiosk'
    ? `${origin}/kiosk#pair=${encodeURIComponent(token)}`
    : `${origin}/board/${device.id}#pair=${encodeURIComponent(token)}`;
