import { problems } from '../../../contracts/index.js';
import type { RoutePolicy } from '../route-policy.js';

/**
 * What the admin routes (docs/api.md, Admin) share. DELETE deactivates: history keeps its
 * references.
 */

/** Staff credentials only; the use cases let admins through and refuse other roles. */
export const adminPolicy = { access: ['staff'], limit: 'global' } as const satisfies RoutePolicy;

export const adminTags = ['admin'];

export const adminErrors = problems(400, 401, 403, 404, 409);

/** `?cursor&limit` (PageQuery) as the use cases' page. */
export const pageOf = (query: { cursor?: string | undefined; limit: number }) => ({
  cursor: query.cursor ?? null,
  limit: query.limit,
});
