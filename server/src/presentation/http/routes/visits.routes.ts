import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { z } from 'zod';
import type { SimpleAction } from '../../../application/transition-visit.js';
import type { UseCases } from '../../../application/use-cases.js';
import {
  CallBody,
  CancelBody,
  IdParams,
  problems,
  TransferBody,
  TransferResult,
  VersionBody,
  VisitEnvelope,
} from '../../../contracts/index.js';
import { callerOf } from '../auth.js';
import { visitDto } from '../dto.js';

const transitionErrors = problems(400, 401, 403, 404, 409, 422);

/** The plain transitions: path segment → action. */
const simpleActions = {
  recall: (): SimpleAction => ({ type: 'recall' }),
  start: (): SimpleAction => ({ type: 'start' }),
  complete: (): SimpleAction => ({ type: 'complete' }),
  'no-show': (): SimpleAction => ({ type: 'no_show' }),
  'return-to-queue': (): SimpleAction => ({ type: 'return_to_queue' }),
  requeue: (): SimpleAction => ({ type: 'requeue' }),
} as const;

export const visitRoutes: FastifyPluginAsyncZod<{ useCases: UseCases }> = async (
  app,
  { useCases },
) => {
  app.get(
    '/api/v1/visits/:id',
    {
      config: { access: ['staff'], limit: 'global' },
      schema: {
        tags: ['visits'],
        summary: 'One visit (audited read of patient data)',
        params: IdParams,
        response: { 200: VisitEnvelope, ...problems(400, 401, 403, 404) },
      },
    },
    async (request) => ({
      visit: visitDto(
        await useCases.getVisit({
          ...callerOf(request),
          visitId: request.params.id,
        }),
        true,
      ),
    }),
  );

  app.post(
    '/api/v1/visits/:id/call',
    {
      config: { access: ['staff'], limit: 'global' },
      schema: {
        tags: ['visits'],
        summary: 'Call this waiting patient to a room',
        params: IdParams,
        body: CallBody,
        response: { 200: VisitEnvelope, ...transitionErrors },
      },
    },
    async (request) => ({
      visit: visitDto(
        await useCases.callVisit({
          ...callerOf(request),
          visitId: request.params.id,
          version: request.body.version,
          roomId: request.body.roomId,
        }),
        true,
      ),
    }),
  );

  for (const [segment, action] of Object.entries(simpleActions)) {
    app.post(
      `/api/v1/visits/:id/${segment}`,
      {
        config: { access: ['staff'], limit: 'global' },
        schema: {
          tags: ['visits'],
          summary: `${segment} (version-checked)`,
          params: IdParams,
          body: VersionBody,
          response: { 200: VisitEnvelope, ...transitionErrors },
        },
      },
      async (request) => {
        const body: z.infer<typeof VersionBody> = request.body;
        return {
          visit: visitDto(
            await useCases.transitionVisit({
              ...callerOf(request),
              visitId: request.params.id,
              version: body.version,
              action: action(),
            }),
            true,
          ),
        };
      },
    );
  }

  app.post(
    '/api/v1/visits/:id/cancel',
    {
      config: { access: ['staff'], limit: 'global' },
      schema: {
        tags: ['visits'],
        summary: 'Cancel a waiting or called visit',
        params: IdParams,
        body: CancelBody,
        response: { 200: VisitEnvelope, ...transitionErrors },
      },
    },
    async (request) => ({
      visit: visitDto(
        await useCases.transitionVisit({
          ...callerOf(request),
          visitId: request.params.id,
          version: request.body.version,
          action: { type: 'cancel', reason: request.body.reason ?? null },
        }),
        true,
      ),
    }),
  );

  app.post(
    '/api/v1/visits/:id/transfer',
    {
      config: { access: ['staff'], limit: 'global' },
      schema: {
        tags: ['visits'],
        summary: 'Transfer to another department (new ticket there)',
        params: IdParams,
        body: TransferBody,
        response: { 200: TransferResult, ...transitionErrors },
      },
    },
    async (request) => {
      const result = await useCases.transferVisit({
        ...callerOf(request),
        visitId: request.params.id,
        version: request.body.version,
        toDepartmentId: request.body.toDepartmentId,
        priority: request.body.priority,
      });
      return { visit: visitDto(result.visit, true), newVisit: visitDto(result.newVisit, true) };
    },
  );
};
