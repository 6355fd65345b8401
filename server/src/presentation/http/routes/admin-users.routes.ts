import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { UseCases } from '../../../application/use-cases.js';
import {
  CreateUserBody,
  IdParams,
  PageOf,
  PageQuery,
  UpdateUserBody,
  User,
} from '../../../contracts/index.js';
import { actorOf, callerOf } from '../auth.js';
import { userDto } from '../dto.js';
import { adminErrors as errors, adminPolicy, adminTags as tags, pageOf } from './admin.common.js';

/** Staff users (docs/api.md, Admin); their sessions are in admin-sessions.routes.ts. */
export const adminUserRoutes: FastifyPluginAsyncZod<{ useCases: UseCases }> = async (
  app,
  { useCases },
) => {
  const { userAdmin } = useCases;

  app.get(
    '/api/v1/admin/users',
    {
      config: adminPolicy,
      schema: { tags, querystring: PageQuery, response: { 200: PageOf('users', User), ...errors } },
    },
    async (request) => {
      const result = await userAdmin.list({ actor: actorOf(request), page: pageOf(request.query) });
      return { users: result.items.map(userDto), nextCursor: result.nextCursor };
    },
  );
  app.post(
    '/api/v1/admin/users',
    {
      config: adminPolicy,
      schema: {
        tags,
        body: CreateUserBody,
        response: { 201: z.object({ user: User }), ...errors },
      },
    },
    async (request, reply) => {
      const user = await userAdmin.create({ ...callerOf(request), input: request.body });
      return reply.status(201).send({ user: userDto(user) });
    },
  );
  app.patch(
    '/api/v1/admin/users/:id',
    {
      config: adminPolicy,
      schema: {
        tags,
        params: IdParams,
        body: UpdateUserBody,
        response: { 200: z.object({ user: User }), ...errors },
      },
    },
    async (request) => ({
      user: userDto(
        await userAdmin.update({
          ...callerOf(request),
          id: request.params.id,
          changes: request.body,
        }),
      ),
    }),
  );
  app.delete(
    '/api/v1/admin/users/:id',
    {
      config: adminPolicy,
      schema: { tags, params: IdParams, response: { 204: z.null(), ...errors } },
    },
    async (request, reply) => {
      await userAdmin.update({
        ...callerOf(request),
        id: request.params.id,
        changes: { active: false },
      });
      return reply.status(204).send(null);
    },
  );
};
