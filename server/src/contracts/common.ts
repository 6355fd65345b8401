import { z } from 'zod';

export const Uuid = z.uuid();
export const IsoDateTime = z.iso.datetime();
export const IsoDate = z.iso.date();

export const IdParams = z.strictObject({ id: Uuid });

export const PageQuery = z.strictObject({
  cursor: z.string().min(1).max(512).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

/** A page of a list: its items under `key`, and the cursor of the next page (null: none). */
export const PageOf = <T extends z.ZodType>(key: string, item: T) =>
  z.object({ [key]: z.array(item), nextCursor: z.string().nullable() });

/** RFC 9457 problem details, as every error leaves the server. */
export const Problem = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    code: z.string(),
    detail: z.string(),
    requestId: z.string(),
    errors: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
    currentVersion: z.number().int().optional(),
    state: z.string().optional(),
  })
  .meta({ id: 'Problem' });

/** Standard error responses for a route's OpenAPI entry. */
export const problems = (...statuses: number[]): Record<number, typeof Problem> =>
  Object.fromEntries(statuses.map((s) => [s, Problem]));
