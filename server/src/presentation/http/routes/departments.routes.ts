import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Queue as QueueView } from '../../../application/get-queue.js';
import type { UseCases } from '../../../application/use-cases.js';
import {
  CallNextBody,
  DepartmentList,
  IdParams,
  problems,
  Queue,
  VisitEnvelope,
} from '../../../contracts/index.js';
import { actorOf, callerOf } from '../auth.js';
import { departmentDto, queueDto, visitDto } from '../dto.js';

/**
 * The live view hands every reader of one version the same Queue (ADR 11): it is encoded
 * through the response schema once, to UTF-8 bytes once, and those bytes are what every
 * GET sends (re-encoding a 25 KB string per request was a fifth of the server's time).
 */
const queueBodies = new WeakMap<QueueView, Buffer>();
const queueBody = (queue: QueueView): Buffer => {
  let body = queueBodies.get(queue);
  if (body === undefined) {
    body = Buffer.from(JSON.stringify(z.encode(Queue, queueDto(queue))));
    queueBodies.set(queue, body);
  }
  return body;
};

export const departmentRoutes: FastifyPluginAsyncZod<{ useCases: UseCases }> = async (
  app,
  { useCases },
) => {
  app.get(
    '/api/v1/departments',
    {
      config: { access: ['staff', 'kiosk', 'board'], limit: 'global' },
      schema: {
        tags: ['queue'],
        summary: 'Departments the caller can see',
        response: { 200: DepartmentList, ...problems(401) },
      },
    },
    async (request) => ({
      departments: (await useCases.listDepartments({ actor: actorOf(request) })).map(departmentDto),
    }),
  );

  app.get(
    '/api/v1/departments/:id/queue',
    {
      config: { access: ['staff'], limit: 'global' },
      schema: {
        tags: ['queue'],
        summary: "Today's queue",
        params: IdParams,
        response: { 200: Queue, ...problems(400, 401, 403, 404) },
      },
    },
    async (request, reply) => {
      const queue = await useCases.getQueue({
        actor: actorOf(request),
        departmentId: request.params.id,
      });
      // Already JSON, encoded by the schema: Fastify sends bytes as they are.
      const body = queueBody(queue) as unknown as z.input<typeof Queue>;
      return reply.type('application/json; charset=utf-8').send(body);
    },
  );

  app.post(
    '/api/v1/departments/:id/call-next',
    {
      config: { access: ['staff'], limit: 'global' },
      schema: {
        tags: ['queue'],
        summary: 'Call the next patient to a room',
        params: IdParams,
        body: CallNextBody,
        response: { 200: VisitEnvelope, ...problems(400, 401, 403, 404, 409) },
      },
    },
    async (request) => ({
      visit: visitDto(
        await useCases.callNext({
          ...callerOf(request),
          departmentId: request.params.id,
          roomId: request.body.roomId,
        }),
        true,
      ),
    }),
  );
};
