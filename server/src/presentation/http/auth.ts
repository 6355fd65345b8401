import fastifyJwt from '@fastify/jwt';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import type { Clock } from '../../application/ports.js';
import type { UseCases } from '../../application/use-cases.js';
import type { Actor } from '../../domain/actor.js';
import { DomainError } from '../../domain/errors.js';

declare module 'fastify' {
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
const verifyOptions = {
  algorithms: ['HS256' as const],
  allowedIss: ISSUER,
  allowedAud: AUDIENCE,
  // A token without an expiry would never die: refuse it even if correctly signed.
  requiredClaims: ['exp', 'iat', 'sub', 'sid', 'iss', 'aud'],
};

type AccessClaims = { sub: string; sid: string; iat: number; exp: number };

/**
 * During a JWT_SECRET rotation, tokens signed with the previous secret stay valid until they
 * expire (15 minutes), so nobody is logged out (docs/operations.md). Its verifier lives in a
 * scope of its own: the root keeps the one `jwt` decorator, which signs with the current secret.
 */
const previousSecretVerifier = async (app: FastifyInstance, secret: string | undefined) => {
  if (secret === undefined) return undefined;
  let verify: ((token: string, clockTimestamp: number) => AccessClaims) | undefined;
  await app.register(async (scope) => {
    await scope.register(fastifyJwt, { secret, verify: verifyOptions });
    verify = (token, clockTimestamp) => scope.jwt.verify<AccessClaims>(token, { clockTimestamp });
  });
  return verify;
};

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
  async (
    app: FastifyInstance,
    opts: {
      jwtSecret: string;
      /** JWT_SECRET_PREVIOUS: verifies, never signs. */
      jwtPreviousSecret?: string | undefined;
      useCases: UseCases;
      clock: Clock;
    },
  ) => {
    const verifyPrevious = await previousSecretVerifier(app, opts.jwtPreviousSecret);
    await app.register(fastifyJwt, {
      secret: opts.jwtSecret,
      sign: { algorithm: 'HS256', iss: ISSUER, aud: AUDIENCE, expiresIn: ACCESS_TOKEN_SECONDS },
      verify: verifyOptions,
    });
    app.decorateRequest('actor', null);
    app.decorateRequest('sessionId', null);

    /**
     * Tokens whose signature and claims were verified, by their exact text: a dashboard's
     * requests and a reconnect storm's 10,000 streams present one token, and verifying it
     * again (fast-jwt builds a verifier per call to use our clock) was a fifth of opening a
     * stream. Only the expiry depends on time, and it is checked on every use.
     */
    const verified = new Map<string, { sub: string; sid: string; iat: number; exp: number }>();
    const verify = async (request: FastifyRequest, token: string) => {
      const now = opts.clock.now().getTime();
      const hit = verified.get(token);
      if (hit !== undefined && hit.exp * 1000 > now) return hit;
      // Expiry is judged by the application's clock, the one that stamped `iat` (jwtClock).
      const claims = await request
        .jwtVerify<AccessClaims>({ clockTimestamp: now })
        .catch((error: unknown) => {
          if (verifyPrevious === undefined) throw error;
          return verifyPrevious(token, now);
        });
      if (verified.size >= 10_000) verified.clear();
      if (typeof claims.exp === 'number') verified.set(token, claims);
      return claims;
    };

    const resolve = async (request: FastifyRequest, token: string): Promise<Actor> => {
      if (isDeviceToken(token)) return opts.useCases.authenticateDevice(token);
      let claims: { sub: string; sid: string; iat: number };
      try {
        claims = await verify(request, token);
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

    /**
     * A ticket carries the scope it was issued with; the credential must still be good, and
     * its role and departments are taken as they stand now.
     */
    const redeemTicket = async (ticket: string): Promise<Actor> => {
      const actor = await opts.useCases.live.currentActor(
        await opts.useCases.streamTickets.redeem(ticket),
      );
      if (actor === null) throw unauthenticated();
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
      // A route that declares no access is refused (route-policy.ts; a test finds it first).
      const access = request.routeOptions.config.access;
      if (access === 'public') return;
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

/** Long enough for any real browser's User-Agent; a longer one is cut, not stored whole. */
const USER_AGENT_MAX = 512;

export const metaOf = (request: FastifyRequest) => {
  const userAgent = request.headers['user-agent'];
  return {
    ip: request.ip,
    requestId: String(request.id),
    userAgent:
      typeof userAgent === 'string' && userAgent !== '' ? userAgent.slice(0, USER_AGENT_MAX) : null,
  };
};

/** Who asks and from where: what every audited use case is given. */
export const callerOf = (request: FastifyRequest) => ({
  actor: actorOf(request),
  meta: metaOf(request),
});
