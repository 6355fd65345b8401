import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { UseCases } from '../../../application/use-cases.js';
import { CheckInBody, CheckInHeaders, problems, VisitEnvelope } from '../../../contracts/index.js';
import { callerOf } from '../auth.js';
import { visitDto } from '../dto.js';

export const checkinRoutes: FastifyPluginAsyncZod<{ useCases: UseCases }> = async (
  app,
  { useCases },
) => {
  app.post(
    '/api/v1/checkins',
    {
      config: { access: ['kiosk', 'staff'], limit: 'checkin' },
      schema: {
        tags: ['check-in'],
        summary: 'Check a patient in (idempotent per Idempotency-Key)',
        headers: CheckInHeaders,
        body: CheckInBody,
        response: { 201: VisitEnvelope, ...problems(400, 401, 403, 404, 409, 413, 415, 422) },
      },
    },
    async (request, reply) => {
      const result = await useCases.checkIn({
        ...callerOf(request),
        idempotencyKey: request.headers['idempotency-key'],
        body: request.body,
      });
      if (result.replayed) void reply.header('idempotent-replayed', 'true');
      return reply
        .status(201)
        .header('location', `/api/v1/visits/${result.visit.id}`)
        .send({ visit: visitDto(result.visit, true) });
    },
  );
};
