import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { UseCases } from '../../../application/use-cases.js';
import {
  CallNextBody,
  DepartmentList,
  IdParams,
  problems,
  Queue,
  VisitEnvelope,
} from '../../../contracts/index.js';
import { actorOf, metaOf } from '../auth.js';
import { departmentDto, queueDto, visitDto } from '../dto.js';

export const departmentRoutes: FastifyPluginAsyncZod<{ useCases: UseCases }> = async (
  app,
  { useCases },
) => {
  app.get(
    '/api/v1/departments',
    {
      config: { access: ['staff', 'kiosk', 'board'] },
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
      config: { access: ['staff'] },
      schema: {
        tags: ['queue'],
        summary: "Today's queue",
        params: IdParams,
        response: { 200: Queue, ...problems(400, 401, 403, 404) },
      },
    },
    async (request) =>
      queueDto(
        await useCases.getQueue({ actor: actorOf(request), departmentId: request.params.id }),
      ),
  );

  app.post(
    '/api/v1/departments/:id/call-next',
    {
      config: { access: ['staff'] },
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
          actor: actorOf(request),
          meta: metaOf(request),
          departmentId: request.params.id,
          roomId: request.body.roomId,
        }),
        true,
      ),
    }),
  );
};
