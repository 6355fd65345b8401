import { z } from 'zod';
import { IsoDateTime, Uuid } from './common.js';

const Instant = z.iso.datetime({ offset: true });

/** GET /api/v1/admin/audit (docs/api.md, Admin). `from`/`to` are inclusive. */
export const AuditQuery = z
  .strictObject({
    from: Instant.optional(),
    to: Instant.optional(),
    actorId: z.string().min(1).max(64).optional(),
    action: z.string().min(1).max(64).optional(),
    visitId: Uuid.optional(),
    cursor: z.string().min(1).max(512).optional(),
    limit: z.coerce.number().int().min(1).max(200).default(50),
  })
  .refine(
    (q) => q.from === undefined || q.to === undefined || Date.parse(q.from) <= Date.parse(q.to),
    {
      message: 'must not be after to',
      path: ['from'],
    },
  );

export const AuditEvent = z
  .object({
    id: z.string(),
    at: IsoDateTime,
    actor: z.object({ type: z.string(), id: z.string().nullable() }),
    action: z.string(),
    entity: z.string(),
    entityId: z.string().nullable(),
    before: z.unknown(),
    after: z.unknown(),
    ip: z.string().nullable(),
    requestId: z.string().nullable(),
  })
  .meta({ id: 'AuditEvent' });

export const AuditPage = z.object({
  events: z.array(AuditEvent),
  nextCursor: z.string().nullable(),
});
