import type { FastifyInstance } from 'fastify';

/**
 * What every route declares in its own options (`config`), next to its path: who may call
 * it and how often. Nothing is attached by URL, so a route keeps its policy when it is
 * renamed or moved; `test/http/route-policy.int.test.ts` fails when a route declares either
 * one not.
 *
 *     app.post('/api/v1/checkins', { config: { access: ['kiosk', 'staff'], limit: 'checkin' }, … })
 */

/** Which credentials a route accepts (auth.ts). A route that declares none is refused. */
export type Access = 'public' | readonly ('staff' | 'kiosk' | 'board')[];

/**
 * How often a route may be called; security.ts turns the name into RATE_LIMIT_* numbers.
 * - `global`: the per-IP limit every request counts against, and no other;
 * - `login`: that, and the login limit per client IP whatever the username (the lockout
 *   covers a single username);
 * - `checkin`: that, and the check-in limit per credential (kiosks often share one clinic
 *   NAT address);
 * - `stream`: an event stream. No limit at all: every EventSource reconnect is a request,
 *   and a 429 (any non-200) closes an EventSource for good (ADR 7); opening one already
 *   takes a credential or a single-use stream ticket. Not a document, so it gets no
 *   document headers either (security.ts).
 */
export type RateLimitPolicy = 'global' | 'login' | 'checkin' | 'stream';

export interface RoutePolicy {
  readonly access: Access;
  readonly limit: RateLimitPolicy;
}

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: Access;
    /** A route that declares none counts against the global limit only. */
    limit?: RateLimitPolicy;
    /** The route also accepts `?ticket=` (a stream ticket) instead of the header. */
    streamTicket?: boolean;
    /** Swagger UI's pages: their CSP also allows the inline style of its logo (security.ts). */
    swaggerUi?: boolean;
  }
}

/** What a plugin's routes are given; only `global`: see `declarePluginRoutes`. */
export type PluginRoutePolicy = RoutePolicy & {
  readonly limit: 'global';
  readonly swaggerUi?: boolean;
};

/**
 * Routes that a plugin declares — CORS's preflight route, Swagger UI's pages, the web
 * app's files — cannot carry our config. A plugin registered through the function this
 * returns gets `policy` on every route it declares while it loads (`await app.register`
 * loads the plugin and its children before it resolves, and nothing else is registered
 * meanwhile). Installed on the root before anything registers a route.
 *
 * The hook runs before security.ts's, so a policy given here could be turned into a route
 * limit; it is restricted to `global` anyway, the limit no route option carries.
 */
export const declarePluginRoutes = (
  app: FastifyInstance,
): ((policy: PluginRoutePolicy, register: () => PromiseLike<unknown>) => Promise<void>) => {
  let loading: PluginRoutePolicy | null = null;
  app.addHook('onRoute', (route) => {
    // A fresh config object: the plugin may pass one object to all its routes.
    if (loading !== null) route.config = { ...route.config, ...loading };
  });
  return async (policy, register) => {
    loading = policy;
    try {
      await register();
    } finally {
      loading = null;
    }
  };
};
