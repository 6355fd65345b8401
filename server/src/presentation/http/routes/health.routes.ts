import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';

const Status = z.object({ status: z.enum(['ok', 'unavailable']) });

/** Liveness says the process answers; readiness that its dependencies do (no details). */
export const healthRoutes: FastifyPluginAsyncZod<{ ready: () => Promise<boolean> }> = async (
  app,
  { ready },
) => {
  app.get(
    '/health/live',
    {
      config: { access: 'public', limit: 'global' },
      schema: { tags: ['operations'], response: { 200: Status } },
    },
    () => ({ status: 'ok' as const }),
  );
  app.get(
    '/health/ready',
    {
      config: { access: 'public', limit: 'global' },
      schema: { tags: ['operations'], response: { 200: Status, 503: Status } },
    },
    async (_request, reply) => {
      const ok = await ready().catch(() => false);
      if (!ok) void reply.header('retry-after', '5');
      return reply.status(ok ? 200 : 503).send({ status: ok ? 'ok' : 'unavailable' });
    },
  );
};
