import type { Actor } from '../domain/actor.js';
import { DomainError } from '../domain/errors.js';
import type { DeviceTokens, Transactor } from './ports.js';

const unauthenticated = (): DomainError =>
  new DomainError('UNAUTHENTICATED', 'Missing, invalid or expired credentials');

/**
 * A verified access token still has to name an active user, in a session that is still
 * open: deactivation, logout, refresh-token reuse and password changes (which revoke the
 * other sessions) take effect at once.
 */
export const makeAuthenticateStaff =
  ({ tx }: { readonly tx: Transactor }) =>
  async ({ userId, sessionId }: { userId: string; sessionId: string }): Promise<Actor> => {
    const user = await tx.read(({ users }) => users.findInOpenSession(userId, sessionId));
    if (user === null || !user.active) throw unauthenticated();
    return { type: 'staff', id: user.id, role: user.role, departmentIds: user.departmentIds };
  };

/** Device tokens are stored hashed; the lookup is by the hash of what was presented. */
export const makeAuthenticateDevice =
  ({ tx, tokens }: { readonly tx: Transactor; readonly tokens: DeviceTokens }) =>
  async (token: string): Promise<Actor> => {
    const device = await tx.read(({ devices }) =>
      devices.findActiveByTokenHash(tokens.hash(token)),
    );
    if (device === null) throw unauthenticated();
    return { type: device.kind, id: device.id, departmentIds: device.departmentIds };
  };
