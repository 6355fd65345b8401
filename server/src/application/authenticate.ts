import type { Actor } from '../domain/actor.js';
import { DomainError } from '../domain/errors.js';
import type { Credentials } from './credentials.js';
import type { DeviceTokens } from './ports.js';

const unauthenticated = (): DomainError =>
  new DomainError('UNAUTHENTICATED', 'Missing, invalid or expired credentials');

/**
 * A verified access token still has to name an active user, in a session that is still
 * open: deactivation, logout, refresh-token reuse and password changes (which revoke the
 * other sessions) take effect at once — the answer is kept a few seconds, and every such
 * change is announced to every instance, which forgets it (ADR 11).
 */
export const makeAuthenticateStaff =
  ({ credentials }: { readonly credentials: Credentials }) =>
  async ({ userId, sessionId }: { userId: string; sessionId: string }): Promise<Actor> => {
    const user = await credentials.staff(userId, sessionId);
    if (user === null) throw unauthenticated();
    return {
      type: 'staff',
      id: user.id,
      role: user.role,
      departmentIds: user.departmentIds,
      sessionId,
    };
  };

/** Device tokens are stored hashed; the lookup is by the hash of what was presented. */
export const makeAuthenticateDevice =
  ({ credentials, tokens }: { readonly credentials: Credentials; readonly tokens: DeviceTokens }) =>
  async (token: string): Promise<Actor> => {
    const device = await credentials.deviceByTokenHash(tokens.hash(token));
    if (device === null) throw unauthenticated();
    return { type: device.kind, id: device.id, departmentIds: device.departmentIds };
  };
