import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { ActiveSession } from '../../../domain/session.js';
import type { UseCases } from '../../../application/use-cases.js';
import { IdParams, problems, UserSessionList } from '../../../contracts/index.js';
import { actorOf, callerOf } from '../auth.js';

const sessionDto = (s: ActiveSession) => ({
  id: s.id,
  createdAt: s.createdAt.toISOString(),
  lastUsedAt: s.lastUsedAt.toISOString(),
  expiresAt: s.expiresAt.toISOString(),
  ip: s.ip,
  userAgent: s.userAgent,
});

/**
 * A user's open logins, and revoking one (docs/api.md, Admin). A session's id is its refresh
 * family: the `sid` of every access token that login was given.
 */
export const adminSessionRoutes: FastifyPluginAsyncZod<{ useCases: UseCases }> = async (
  app,
  { useCases },
) => {
  const config = { access: ['staff'], limit: 'global' } as const;
  const tags = ['admin'];

  app.get(
    '/api/v1/admin/users/:id/sessions',
    {
      config,
      schema: {
        tags,
        summary: "A user's open sessions (not revoked, not expired), newest login first",
        params: IdParams,
        response: { 200: UserSessionList, ...problems(400, 401, 403, 404) },
      },
    },
    async (request) => {
      const sessions = await useCases.sessionAdmin.list({
        actor: actorOf(request),
        userId: request.params.id,
      });
      return { sessions: sessions.map(sessionDto) };
    },
  );

  app.delete(
    '/api/v1/admin/sessions/:id',
    {
      config,
      schema: {
        tags,
        summary: 'End a session: its refresh fails at once, its tokens and streams stop',
        params: IdParams,
        response: { 204: z.null(), ...problems(400, 401, 403, 404) },
      },
    },
    async (request, reply) => {
      await useCases.sessionAdmin.revoke({
        ...callerOf(request),
        sessionId: request.params.id,
      });
      return reply.status(204).send(null);
    },
  );
};
