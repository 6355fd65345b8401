import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { UseCases } from '../../../application/use-cases.js';
import { LoginBody, LoginResponse, problems, User } from '../../../contracts/index.js';
import { ACCESS_TOKEN_SECONDS, actorOf, metaOf } from '../auth.js';
import { userDto } from '../dto.js';

export const authRoutes: FastifyPluginAsyncZod<{ useCases: UseCases }> = async (
  app,
  { useCases },
) => {
  app.post(
    '/api/v1/auth/login',
    {
      config: { access: 'public' },
      schema: {
        tags: ['auth'],
        summary: 'Staff login',
        body: LoginBody,
        response: { 200: LoginResponse, ...problems(400, 401, 429) },
      },
    },
    async (request) => {
      const user = await useCases.login({ ...request.body, meta: metaOf(request) });
      const accessToken = await Promise.resolve(app.jwt.sign({ sub: user.id, role: user.role }));
      return { accessToken, expiresInSeconds: ACCESS_TOKEN_SECONDS, user: userDto(user) };
    },
  );

  app.get(
    '/api/v1/me',
    {
      config: { access: ['staff'] },
      schema: {
        tags: ['auth'],
        summary: 'The logged-in staff user',
        response: { 200: User, ...problems(401, 403) },
      },
    },
    async (request) => userDto(await useCases.getCurrentUser({ actor: actorOf(request) })),
  );
};
