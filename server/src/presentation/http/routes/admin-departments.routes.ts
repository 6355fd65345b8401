import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { UseCases } from '../../../application/use-cases.js';
import {
  CreateDepartmentBody,
  CreateRoomBody,
  Department,
  IdParams,
  PageOf,
  PageQuery,
  Room,
  RoomParams,
  UpdateDepartmentBody,
  UpdateRoomBody,
} from '../../../contracts/index.js';
import { actorOf, callerOf } from '../auth.js';
import { departmentDto, roomDto } from '../dto.js';
import { adminErrors as errors, adminPolicy, adminTags as tags, pageOf } from './admin.common.js';

/** Departments and their rooms (docs/api.md, Admin). */
export const adminDepartmentRoutes: FastifyPluginAsyncZod<{ useCases: UseCases }> = async (
  app,
  { useCases },
) => {
  const { departmentAdmin } = useCases;

  app.get(
    '/api/v1/admin/departments',
    {
      config: adminPolicy,
      schema: {
        tags,
        querystring: PageQuery,
        response: { 200: PageOf('departments', Department), ...errors },
      },
    },
    async (request) => {
      const result = await departmentAdmin.list({
        ...callerOf(request),
        page: pageOf(request.query),
      });
      return { departments: result.items.map(departmentDto), nextCursor: result.nextCursor };
    },
  );
  app.post(
    '/api/v1/admin/departments',
    {
      config: adminPolicy,
      schema: {
        tags,
        body: CreateDepartmentBody,
        response: { 201: z.object({ department: Department }), ...errors },
      },
    },
    async (request, reply) => {
      const department = await departmentAdmin.create({
        ...callerOf(request),
        input: request.body,
      });
      return reply.status(201).send({ department: departmentDto(department) });
    },
  );
  app.patch(
    '/api/v1/admin/departments/:id',
    {
      config: adminPolicy,
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
          ...callerOf(request),
          id: request.params.id,
          patch: request.body,
        }),
      ),
    }),
  );
  app.delete(
    '/api/v1/admin/departments/:id',
    {
      config: adminPolicy,
      schema: { tags, params: IdParams, response: { 204: z.null(), ...errors } },
    },
    async (request, reply) => {
      await departmentAdmin.update({
        ...callerOf(request),
        id: request.params.id,
        patch: { active: false },
      });
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/api/v1/admin/departments/:id/rooms',
    {
      config: adminPolicy,
      schema: {
        tags,
        params: IdParams,
        querystring: PageQuery,
        response: { 200: PageOf('rooms', Room), ...errors },
      },
    },
    async (request) => {
      const result = await departmentAdmin.listRooms({
        actor: actorOf(request),
        departmentId: request.params.id,
        page: pageOf(request.query),
      });
      return { rooms: result.items.map(roomDto), nextCursor: result.nextCursor };
    },
  );
  app.post(
    '/api/v1/admin/departments/:id/rooms',
    {
      config: adminPolicy,
      schema: {
        tags,
        params: IdParams,
        body: CreateRoomBody,
        response: { 201: z.object({ room: Room }), ...errors },
      },
    },
    async (request, reply) => {
      const room = await departmentAdmin.createRoom({
        ...callerOf(request),
        departmentId: request.params.id,
        name: request.body.name,
      });
      return reply.status(201).send({ room: roomDto(room) });
    },
  );
  app.patch(
    '/api/v1/admin/departments/:id/rooms/:roomId',
    {
      config: adminPolicy,
      schema: {
        tags,
        params: RoomParams,
        body: UpdateRoomBody,
        response: { 200: z.object({ room: Room }), ...errors },
      },
    },
    async (request) => ({
      room: roomDto(
        await departmentAdmin.updateRoom({
          ...callerOf(request),
          departmentId: request.params.id,
          roomId: request.params.roomId,
          patch: request.body,
        }),
      ),
    }),
  );
  app.delete(
    '/api/v1/admin/departments/:id/rooms/:roomId',
    {
      config: adminPolicy,
      schema: { tags, params: RoomParams, response: { 204: z.null(), ...errors } },
    },
    async (request, reply) => {
      await departmentAdmin.updateRoom({
        ...callerOf(request),
        departmentId: request.params.id,
        roomId: request.params.roomId,
        patch: { active: false },
      });
      return reply.status(204).send(null);
    },
  );
};
