import { z } from 'zod';
import { IsoDateTime, Uuid } from './common.js';

/**
 * One open login of a staff user (GET /api/v1/admin/users/:id/sessions). `id` is the
 * session family: what DELETE /api/v1/admin/sessions/:id ends.
 */
export const UserSession = z
  .object({
    id: Uuid,
    createdAt: IsoDateTime.describe('The login'),
    lastUsedAt: IsoDateTime.describe('The last login or token refresh'),
    expiresAt: IsoDateTime.describe('When it ends unless refreshed (never past SESSION_MAX_HOURS)'),
    ip: z.string().nullable(),
    userAgent: z.string().nullable(),
  })
  .meta({ id: 'UserSession' });

export const UserSessionList = z.object({ sessions: z.array(UserSession) });
