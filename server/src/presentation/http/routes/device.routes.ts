import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { UseCases } from '../../../application/use-cases.js';
import { CurrentDevice, problems } from '../../../contracts/index.js';
import { actorOf } from '../auth.js';
import { currentDeviceDto } from '../dto.js';

/** A paired screen's own settings: the board's language, the kiosk's departments. */
export const deviceRoutes: FastifyPluginAsyncZod<{ useCases: UseCases }> = async (
  app,
  { useCases },
) => {
  app.get(
    '/api/v1/device',
    {
      config: { access: ['kiosk', 'board'], limit: 'global' },
      schema: {
        tags: ['devices'],
        summary: 'The calling kiosk or board',
        response: { 200: z.object({ device: CurrentDevice }), ...problems(401, 403) },
      },
    },
    async (request) => ({
      device: currentDeviceDto(await useCases.getCurrentDevice({ actor: actorOf(request) })),
    }),
  );
};
