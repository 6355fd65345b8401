import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { Session } from '../../../application/login.js';
import type { Clock } from '../../../application/ports.js';
import type { UseCases } from '../../../application/use-cases.js';
import { DomainError } from '../../../domain/errors.js';
import { LoginBody, LoginResponse, problems, User } from '../../../contracts/index.js';
import { ACCESS_TOKEN_SECONDS, actorOf, jwtSignOptions, metaOf } from '../auth.js';
import { userDto } from '../dto.js';

export const REFRESH_COOKIE = 'mq_refresh';
export const CSRF_COOKIE = 'mq_csrf';
const AUTH_PATH = '/api/v1/auth';

const PasswordBody = z.strictObject({
  currentPassword: z.string().min(1).max(1024),
  newPassword: z.string().min(1).max(256),
});

/**
 * Login, refresh, logout, password change (docs/api.md, Auth). The refresh token lives only in
 * an httpOnly, SameSite=Strict cookie scoped to /api/v1/auth; refresh and logout also need
 * `X-CSRF-Token` equal to the readable `mq_csrf` cookie, which @fastify/csrf-protection
 * verifies against a secret in another httpOnly cookie.
 */
export const authRoutes: FastifyPluginAsyncZod<{
  useCases: UseCases;
  secureCookies: boolean;
  clock: Clock;
}> = async (app, { useCases, secureCookies, clock }) => {
  const respondWithSession = async (reply: FastifyReply, session: Session) => {
    const accessToken = await reply.jwtSign(
      { sub: session.user.id, role: session.user.role, sid: session.sessionId },
      jwtSignOptions(clock),
    );
    const csrf = reply.generateCsrf();
    void reply
      .setCookie(REFRESH_COOKIE, session.refreshToken, {
        httpOnly: true,
        sameSite: 'strict',
        secure: secureCookies,
        path: AUTH_PATH,
        // The cookie lives as long as the token in it: never past the session's absolute end.
        maxAge: Math.max(
          0,
          Math.floor((session.refreshExpiresAt.getTime() - clock.now().getTime()) / 1000),
        ),
      })
      .setCookie(CSRF_COOKIE, csrf, {
        httpOnly: false,
        sameSite: 'strict',
        secure: secureCookies,
        path: '/',
      })
      .header('cache-control', 'no-store');
    return { accessToken, expiresInSeconds: ACCESS_TOKEN_SECONDS, user: userDto(session.user) };
  };

  const refreshCookie = (request: FastifyRequest): string => {
    const token = request.cookies[REFRESH_COOKIE];
    if (token === undefined || token === '')
      throw new DomainError('UNAUTHENTICATED', 'No session cookie');
    return token;
  };

  const clearCookies = (reply: FastifyReply) =>
    reply.clearCookie(REFRESH_COOKIE, { path: AUTH_PATH }).clearCookie(CSRF_COOKIE, { path: '/' });

  app.post(
    '/api/v1/auth/login',
    {
      config: { access: 'public', limit: 'login' },
      schema: {
        tags: ['auth'],
        summary: 'Staff login',
        body: LoginBody,
        response: { 200: LoginResponse, ...problems(400, 401, 429) },
      },
    },
    async (request, reply) =>
      respondWithSession(reply, await useCases.login({ ...request.body, meta: metaOf(request) })),
  );

  app.post(
    '/api/v1/auth/refresh',
    {
      config: { access: 'public', limit: 'global' },
      onRequest: (request, reply, done) => app.csrfProtection(request, reply, done),
      schema: {
        tags: ['auth'],
        summary: 'Rotate the refresh cookie; new access token',
        response: { 200: LoginResponse, ...problems(401, 403) },
      },
    },
    async (request, reply) =>
      respondWithSession(
        reply,
        await useCases.sessions.refresh({
          refreshToken: refreshCookie(request),
          meta: metaOf(request),
        }),
      ),
  );

  app.post(
    '/api/v1/auth/logout',
    {
      config: { access: 'public', limit: 'global' },
      onRequest: (request, reply, done) => app.csrfProtection(request, reply, done),
      schema: {
        tags: ['auth'],
        summary: 'End this session',
        response: { 204: z.null(), ...problems(401, 403) },
      },
    },
    async (request, reply) => {
      await useCases.sessions.logout({
        refreshToken: refreshCookie(request),
        meta: metaOf(request),
      });
      return clearCookies(reply).status(204).send(null);
    },
  );

  app.post(
    '/api/v1/auth/password',
    {
      config: { access: ['staff'], limit: 'global' },
      schema: {
        tags: ['auth'],
        summary: 'Change my password (ends my other sessions)',
        body: PasswordBody,
        response: { 204: z.null(), ...problems(400, 401) },
      },
    },
    async (request, reply) => {
      await useCases.sessions.changePassword({
        actor: actorOf(request),
        sessionId: request.sessionId,
        ...request.body,
        meta: metaOf(request),
      });
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/api/v1/me',
    {
      config: { access: ['staff'], limit: 'global' },
      schema: {
        tags: ['auth'],
        summary: 'The logged-in staff user',
        response: { 200: User, ...problems(401, 403) },
      },
    },
    async (request) => userDto(await useCases.getCurrentUser({ actor: actorOf(request) })),
  );
};
