import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { UseCases } from '../../../application/use-cases.js';
import {
  Board,
  CreateBoardBody,
  CreateKioskBody,
  IdParams,
  Kiosk,
  PageOf,
  PageQuery,
  UpdateBoardBody,
  UpdateKioskBody,
} from '../../../contracts/index.js';
import { actorOf, callerOf } from '../auth.js';
import { boardDto, kioskDto } from '../dto.js';
import { adminErrors as errors, adminPolicy, adminTags as tags, pageOf } from './admin.common.js';

/** Kiosks and boards: the same resource shape, told apart by kind. */
const devices = [
  {
    kind: 'kiosk',
    plural: 'kiosks',
    schema: Kiosk,
    dto: kioskDto,
    create: CreateKioskBody,
    update: UpdateKioskBody,
  },
  {
    kind: 'board',
    plural: 'boards',
    schema: Board,
    dto: boardDto,
    create: CreateBoardBody,
    update: UpdateBoardBody,
  },
] as const;

/**
 * Kiosks and boards (docs/api.md, Admin; Devices: pairing). Creating one answers its token,
 * shown once; DELETE revokes it.
 */
export const adminDeviceRoutes: FastifyPluginAsyncZod<{ useCases: UseCases }> = async (
  app,
  { useCases },
) => {
  const { deviceAdmin } = useCases;

  for (const d of devices) {
    app.get(
      `/api/v1/admin/${d.plural}`,
      {
        config: adminPolicy,
        schema: {
          tags,
          querystring: PageQuery,
          response: { 200: PageOf(d.plural, d.schema), ...errors },
        },
      },
      async (request) => {
        const result = await deviceAdmin.list({
          actor: actorOf(request),
          kind: d.kind,
          page: pageOf(request.query),
        });
        return { [d.plural]: result.items.map(d.dto), nextCursor: result.nextCursor };
      },
    );
    app.post(
      `/api/v1/admin/${d.plural}`,
      {
        config: adminPolicy,
        schema: {
          tags,
          body: d.create,
          response: { 201: z.object({ [d.kind]: d.schema, token: z.string() }), ...errors },
        },
      },
      async (request, reply) => {
        const { device, token } = await deviceAdmin.create({
          ...callerOf(request),
          kind: d.kind,
          input: request.body,
        });
        return reply.status(201).send({ [d.kind]: d.dto(device), token });
      },
    );
    app.patch(
      `/api/v1/admin/${d.plural}/:id`,
      {
        config: adminPolicy,
        schema: {
          tags,
          params: IdParams,
          body: d.update,
          response: { 200: z.object({ [d.kind]: d.schema }), ...errors },
        },
      },
      async (request) => {
        const device = await deviceAdmin.update({
          ...callerOf(request),
          kind: d.kind,
          id: request.params.id,
          changes: request.body,
        });
        return { [d.kind]: d.dto(device) };
      },
    );
    app.delete(
      `/api/v1/admin/${d.plural}/:id`,
      {
        config: adminPolicy,
        schema: { tags, params: IdParams, response: { 204: z.null(), ...errors } },
      },
      async (request, reply) => {
        await deviceAdmin.update({
          ...callerOf(request),
          kind: d.kind,
          id: request.params.id,
          changes: { active: false },
        });
        return reply.status(204).send(null);
      },
    );
  }
};
