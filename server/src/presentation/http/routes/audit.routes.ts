import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { AuditRecord } from '../../../domain/audit.js';
import type { UseCases } from '../../../application/use-cases.js';
import { AuditPage, AuditQuery, problems } from '../../../contracts/index.js';
import { actorOf } from '../auth.js';

const auditEventDto = (e: AuditRecord) => ({
  id: e.id,
  at: e.at.toISOString(),
  actor: { type: e.actor.type, id: e.actor.id },
  action: e.action,
  entity: e.entity,
  entityId: e.entityId,
  before: e.before ?? null,
  after: e.after ?? null,
  ip: e.ip,
  requestId: e.requestId,
});

const date = (iso: string | undefined): Date | undefined =>
  iso === undefined ? undefined : new Date(iso);

/** The audit log, admin only (docs/api.md, Admin → audit). */
export const auditRoutes: FastifyPluginAsyncZod<{ useCases: UseCases }> = async (
  app,
  { useCases },
) => {
  app.get(
    '/api/v1/admin/audit',
    {
      config: { access: ['staff'], limit: 'global' },
      schema: {
        tags: ['admin'],
        summary: 'Audit events, newest first',
        querystring: AuditQuery,
        response: { 200: AuditPage, ...problems(400, 401, 403) },
      },
    },
    async (request) => {
      const q = request.query;
      const page = await useCases.listAudit({
        actor: actorOf(request),
        query: {
          from: date(q.from),
          to: date(q.to),
          actorId: q.actorId,
          action: q.action,
          visitId: q.visitId,
          cursor: q.cursor ?? null,
          limit: q.limit,
        },
      });
      return { events: page.items.map(auditEventDto), nextCursor: page.nextCursor };
    },
  );
};
