import fastifyJwt from '@fastify/jwt';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import type { Clock } from '../../application/ports.js';
import type { UseCases } from '../../application/use-cases.js';
import type { Actor } from '../../domain/actor.js';
import { DomainError } from '../../domain/errors.js';

/** Which credentials a route accepts. Every /api route must say; the default is refusal. */
export type Access = 'public' | readonly ('staff' | 'kiosk' | 'board')[];

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: Access;
    /** The route also accepts `?ticket=` (a stream ticket) instead of the header. */
    streamTicket?: boolean;
  }
  interface FastifyRequest {
    actor: Actor | null;
    /** The staff session (refresh family) the access token belongs to. */
    sessionId: string | null;
  }
}

declare module '@fastify/jwt' {
  interface FastifyJWT {
    payload: { sub: string; role: string; sid: string };
    user: { sub: string; role: string; sid: string; iat: number };
  }
}

export const ACCESS_TOKEN_SECONDS = 900;

/**
 * fast-jwt reads Date.now() unless told the time: signing and verifying both take it from
 * the application clock, so an access token's 15 minutes pass by the same clock as a
 * session's expiry (one source of time).
 */
export const jwtSignOptions = (clock: Clock) => ({
  sign: { clockTimestamp: clock.now().getTime() },
});
const ISSUER = 'mediqueue';
const AUDIENCE = 'mediqueue-api';

const unauthenticated = (): DomainError =>
  new DomainError('UNAUTHENTICATED', 'Missing, invalid or expired credentials');

const bearer = (request: FastifyRequest): string | null => {
  const header = request.headers.authorization;
  if (header === undefined) return null;
  const match = /^Bearer ([\x21-\x7E]{1,4096})$/i.exec(header);
  if (match?.[1] === undefined) throw unauthenticated();
  return match[1];
};

const isDeviceToken = (token: string): boolean =>
  token.startsWith('mqk_') || token.startsWith('mqb_');

const actorKind = (actor: Actor): 'staff' | 'kiosk' | 'board' | null =>
  actor.type === 'system' ? null : actor.type;

/**
 * Resolves the caller from `Authorization: Bearer …` — a staff JWT (HS256 only, issuer and
 * audience checked) or a device token — and enforces the route's `access` list.
 */
export const authPlugin = fp(
  async (app: FastifyInstance, opts: { jwtSecret: string; useCases: UseCases; clock: Clock }) => {
    await app.register(fastifyJwt, {
      secret: opts.jwtSecret,
      sign: { algorithm: 'HS256', iss: ISSUER, aud: AUDIENCE, expiresIn: ACCESS_TOKEN_SECONDS },
      verify: {
        algorithms: ['HS256'],
        allowedIss: ISSUER,
        allowedAud: AUDIENCE,
        // A token without an expiry would never die: refuse it even if correctly signed.
        requiredClaims: ['exp', 'iat', 'sub', 'sid', 'iss', 'aud'],
      },
    });
    app.decorateRequest('actor', null);
    app.decorateRequest('sessionId', null);

    const resolve = async (request: FastifyRequest, token: string): Promise<Actor> => {
      if (isDeviceToken(token)) return opts.useCases.authenticateDevice(token);
      let claims: { sub: string; sid: string; iat: number };
      try {
        // Expiry is judged by the application's clock, the one that stamped `iat` (jwtClock).
        claims = await request.jwtVerify<{ sub: string; role: string; sid: string; iat: number }>({
          clockTimestamp: opts.clock.now().getTime(),
        });
      } catch {
        throw unauthenticated();
      }
      if (
        typeof claims.sub !== 'string' ||
        typeof claims.sid !== 'string' ||
        typeof claims.iat !== 'number'
      ) {
        throw unauthenticated();
      }
      request.sessionId = claims.sid;
      return opts.useCases.authenticateStaff({ userId: claims.sub, sessionId: claims.sid });
    };

    /** A ticket carries the scope it was issued with; the credential must still be good. */
    const redeemTicket = async (ticket: string): Promise<Actor> => {
      const actor = await opts.useCases.streamTickets.redeem(ticket);
      if (!(await opts.useCases.live.credentialActive(actor))) throw unauthenticated();
      return actor;
    };

    const streamTicketOf = (request: FastifyRequest): string | null => {
      if (request.routeOptions.config.streamTicket !== true) return null;
      const ticket = (request.query as Record<string, unknown> | undefined)?.ticket;
      return typeof ticket === 'string' && ticket !== '' ? ticket : null;
    };

    app.addHook('onRequest', async (request) => {
      // A path no route serves is a 404 for every caller, before authentication: an
      // anonymous caller learns nothing more than an admin would.
      if (request.is404) return;
      const access = request.routeOptions.config.access;
      const isApi = request.url.startsWith('/api/');
      if (access === 'public' || (access === undefined && !isApi)) return;
      const ticket = streamTicketOf(request);
      const token = ticket === null ? bearer(request) : null;
      if (ticket === null && token === null) throw unauthenticated();
      const actor =
        ticket !== null ? await redeemTicket(ticket) : await resolve(request, token as string);
      const kind = actorKind(actor);
      if (access === undefined || kind === null || !access.includes(kind)) {
        throw new DomainError('FORBIDDEN', 'This credential cannot use this endpoint');
      }
      request.actor = actor;
    });
  },
  { name: 'mediqueue-auth' },
);

/** The authenticated caller; routes behind `access` always have one. */
export const actorOf = (request: FastifyRequest): Actor => {
  if (request.actor === null) throw unauthenticated();
  return request.actor;
};

export const metaOf = (request: FastifyRequest) => ({
  ip: request.ip,
  requestId: String(request.id),
});
