import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { UseCases } from '../../../application/use-cases.js';
import {
  Board,
  CreateBoardBody,
  CreateDepartmentBody,
  CreateKioskBody,
  CreateRoomBody,
  CreateUserBody,
  Department,
  IdParams,
  Kiosk,
  PageQuery,
  problems,
  Room,
  RoomParams,
  UpdateBoardBody,
  UpdateDepartmentBody,
  UpdateKioskBody,
  UpdateRoomBody,
  UpdateUserBody,
  User,
} from '../../../contracts/index.js';
import { actorOf, metaOf } from '../auth.js';
import { boardDto, departmentDto, kioskDto, userDto } from '../dto.js';

const admin = { access: ['staff'] as const };
const errors = problems(400, 401, 403, 404, 409);
const page = (q: { cursor?: string | undefined; limit: number }) => ({
  cursor: q.cursor ?? null,
  limit: q.limit,
});
const list = <T extends z.ZodType>(key: string, item: T) =>
  z.object({ [key]: z.array(item), nextCursor: z.string().nullable() });

/** Admin CRUD (docs/api.md, Admin). DELETE deactivates: history keeps its references. */
export const adminRoutes: FastifyPluginAsyncZod<{ useCases: UseCases }> = async (
  app,
  { useCases },
) => {
  const { departmentAdmin, userAdmin, deviceAdmin } = useCases;
  const tags = ['admin'];

  // Departments
  app.get(
    '/api/v1/admin/departments',
    {
      config: admin,
      schema: {
        tags,
        querystring: PageQuery,
        response: { 200: list('departments', Department), ...errors },
      },
    },
    async (request) => {
      const result = await departmentAdmin.list({
        actor: actorOf(request),
        meta: metaOf(request),
        page: page(request.query),
      });
      return { departments: result.items.map(departmentDto), nextCursor: result.nextCursor };
    },
  );
  app.post(
    '/api/v1/admin/departments',
    {
      config: admin,
      schema: {
        tags,
        body: CreateDepartmentBody,
        response: { 201: z.object({ department: Department }), ...errors },
      },
    },
    async (request, reply) => {
      const department = await departmentAdmin.create({
        actor: actorOf(request),
        meta: metaOf(request),
        input: request.body,
      });
      return reply.status(201).send({ department: departmentDto(department) });
    },
  );
  app.patch(
    '/api/v1/admin/departments/:id',
    {
      config: admin,
      schema: {
        tags,
        params: IdParams,
        body: UpdateDepartmentBody,
        response: { 200: z.object({ department: Department }), ...errors },
      },
    },
    async (request) => ({
      department: departmentDto(
        await departmentAdmin.update({
          actor: actorOf(request),
          meta: metaOf(request),
          id: request.params.id,
          patch: request.body,
        }),
      ),
    }),
  );
  app.delete(
    '/api/v1/admin/departments/:id',
    { config: admin, schema: { tags, params: IdParams, response: { 204: z.null(), ...errors } } },
    async (request, reply) => {
      await departmentAdmin.update({
        actor: actorOf(request),
        meta: metaOf(request),
        id: request.params.id,
        patch: { active: false },
      });
      return reply.status(204).send(null);
    },
  );

  // Rooms
  app.get(
    '/api/v1/admin/departments/:id/rooms',
    {
      config: admin,
      schema: {
        tags,
        params: IdParams,
        querystring: PageQuery,
        response: { 200: list('rooms', Room), ...errors },
      },
    },
    async (request) => {
      const result = await departmentAdmin.listRooms({
        actor: actorOf(request),
        departmentId: request.params.id,
        page: page(request.query),
      });
      return {
        rooms: result.items.map((r) => ({ id: r.id, name: r.name, active: r.active })),
        nextCursor: result.nextCursor,
      };
    },
  );
  app.post(
    '/api/v1/admin/departments/:id/rooms',
    {
      config: admin,
      schema: {
        tags,
        params: IdParams,
        body: CreateRoomBody,
        response: { 201: z.object({ room: Room }), ...errors },
      },
    },
    async (request, reply) => {
      const room = await departmentAdmin.createRoom({
        actor: actorOf(request),
        meta: metaOf(request),
        departmentId: request.params.id,
        name: request.body.name,
      });
      return reply
        .status(201)
        .send({ room: { id: room.id, name: room.name, active: room.active } });
    },
  );
  app.patch(
    '/api/v1/admin/departments/:id/rooms/:roomId',
    {
      config: admin,
      schema: {
        tags,
        params: RoomParams,
        body: UpdateRoomBody,
        response: { 200: z.object({ room: Room }), ...errors },
      },
    },
    async (request) => {
      const room = await departmentAdmin.updateRoom({
        actor: actorOf(request),
        meta: metaOf(request),
        departmentId: request.params.id,
        roomId: request.params.roomId,
        patch: request.body,
      });
      return { room: { id: room.id, name: room.name, active: room.active } };
    },
  );
  app.delete(
    '/api/v1/admin/departments/:id/rooms/:roomId',
    { config: admin, schema: { tags, params: RoomParams, response: { 204: z.null(), ...errors } } },
    async (request, reply) => {
      await departmentAdmin.updateRoom({
        actor: actorOf(request),
        meta: metaOf(request),
        departmentId: request.params.id,
        roomId: request.params.roomId,
        patch: { active: false },
      });
      return reply.status(204).send(null);
    },
  );

  // Users
  app.get(
    '/api/v1/admin/users',
    {
      config: admin,
      schema: { tags, querystring: PageQuery, response: { 200: list('users', User), ...errors } },
    },
    async (request) => {
      const result = await userAdmin.list({ actor: actorOf(request), page: page(request.query) });
      return { users: result.items.map(userDto), nextCursor: result.nextCursor };
    },
  );
  app.post(
    '/api/v1/admin/users',
    {
      config: admin,
      schema: {
        tags,
        body: CreateUserBody,
        response: { 201: z.object({ user: User }), ...errors },
      },
    },
    async (request, reply) => {
      const user = await userAdmin.create({
        actor: actorOf(request),
        meta: metaOf(request),
        input: request.body,
      });
      return reply.status(201).send({ user: userDto(user) });
    },
  );
  app.patch(
    '/api/v1/admin/users/:id',
    {
      config: admin,
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
          actor: actorOf(request),
          meta: metaOf(request),
          id: request.params.id,
          changes: request.body,
        }),
      ),
    }),
  );
  app.delete(
    '/api/v1/admin/users/:id',
    { config: admin, schema: { tags, params: IdParams, response: { 204: z.null(), ...errors } } },
    async (request, reply) => {
      await userAdmin.update({
        actor: actorOf(request),
        meta: metaOf(request),
        id: request.params.id,
        changes: { active: false },
      });
      return reply.status(204).send(null);
    },
  );

  // Kiosks and boards: the same resource shape, told apart by kind.
  const devices = [
    {
      kind: 'kiosk',
      path: 'kiosks',
      plural: 'kiosks',
      one: 'kiosk',
      schema: Kiosk,
      dto: kioskDto,
      create: CreateKioskBody,
      update: UpdateKioskBody,
    },
    {
      kind: 'board',
      path: 'boards',
      plural: 'boards',
      one: 'board',
      schema: Board,
      dto: boardDto,
      create: CreateBoardBody,
      update: UpdateBoardBody,
    },
  ] as const;
  for (const d of devices) {
    app.get(
      `/api/v1/admin/${d.path}`,
      {
        config: admin,
        schema: {
          tags,
          querystring: PageQuery,
          response: { 200: list(d.plural, d.schema), ...errors },
        },
      },
      async (request) => {
        const result = await deviceAdmin.list({
          actor: actorOf(request),
          kind: d.kind,
          page: page(request.query),
        });
        return { [d.plural]: result.items.map(d.dto), nextCursor: result.nextCursor };
      },
    );
    app.post(
      `/api/v1/admin/${d.path}`,
      {
        config: admin,
        schema: {
          tags,
          body: d.create,
          response: { 201: z.object({ [d.one]: d.schema, token: z.string() }), ...errors },
        },
      },
      async (request, reply) => {
        const { device, token } = await deviceAdmin.create({
          actor: actorOf(request),
          meta: metaOf(request),
          kind: d.kind,
          input: request.body,
        });
        return reply.status(201).send({ [d.one]: d.dto(device), token });
      },
    );
    app.patch(
      `/api/v1/admin/${d.path}/:id`,
      {
        config: admin,
        schema: {
          tags,
          params: IdParams,
          body: d.update,
          response: { 200: z.object({ [d.one]: d.schema }), ...errors },
        },
      },
      async (request) => {
        const device = await deviceAdmin.update({
          actor: actorOf(request),
          meta: metaOf(request),
          kind: d.kind,
          id: request.params.id,
          changes: request.body,
        });
        return { [d.one]: d.dto(device) };
      },
    );
    app.delete(
      `/api/v1/admin/${d.path}/:id`,
      { config: admin, schema: { tags, params: IdParams, response: { 204: z.null(), ...errors } } },
      async (request, reply) => {
        await deviceAdmin.update({
          actor: actorOf(request),
          meta: metaOf(request),
          kind: d.kind,
          id: request.params.id,
          changes: { active: false },
        });
        return reply.status(204).send(null);
      },
    );
  }
};
