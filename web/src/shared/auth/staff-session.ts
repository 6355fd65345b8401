import { makeApi, unwrap, type Api } from '../api/client';
import { ApiProblem, NetworkError } from '../api/problem';
import type { components, paths } from '../api/schema';

export type StaffUser = components['schemas']['User'];
type LoginAnswer =
  paths['/api/v1/auth/login']['post']['responses'][200]['content']['application/json'];

export type SessionState =
  | { readonly kind: 'unknown' } // not yet asked the server (page just loaded)
  | { readonly kind: 'signed-out'; readonly reason: 'none' | 'expired' | 'signed-out' | 'idle' }
  | { readonly kind: 'signed-in'; readonly user: StaffUser };

/** Refresh this long before the access token's 15 minutes are up. */
export const REFRESH_MARGIN_MS = 60_000;

const CSRF_COOKIE = 'mq_csrf';

const csrfToken = (): string =>
  document.cookie
    .split('; ')
    .find((c) => c.startsWith(`${CSRF_COOKIE}=`))
    ?.slice(CSRF_COOKIE.length + 1) ?? '';

/**
 * A staff member's session in the browser (docs/screens.md "Behaviour every screen shares"):
 * - the access token lives in memory only (never localStorage); a reload gets a new one
 *   from the httpOnly refresh cookie;
 * - it is refreshed a minute before it expires, and once on a 401 (then the request is
 *   sent again), with `X-CSRF-Token` from the `mq_csrf` cookie;
 * - a refresh that fails ends the session: listeners see `signed-out` and the screen goes
 *   to /login.
 */
export interface StaffSession {
  state(): SessionState;
  subscribe(listener: () => void): () => void;
  /** The typed API client for staff calls (bearer + refresh-and-retry on 401). */
  readonly api: Api;
  login(username: string, password: string): Promise<StaffUser>;
  /** Asks for a fresh access token with the refresh cookie; false when there is no session. */
  resume(): Promise<boolean>;
  /** Current access token (for stream tickets) or null. */
  token(): string | null;
  logout(reason?: 'signed-out' | 'idle'): Promise<void>;
}

export const makeStaffSession = (
  options: {
    fetch?: typeof fetch;
    schedule?: (run: () => void, ms: number) => () => void;
  } = {},
): StaffSession => {
  const baseFetch = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
  const schedule =
    options.schedule ??
    ((run, ms) => {
      const timer = setTimeout(run, ms);
      return () => clearTimeout(timer);
    });
  const plain = makeApi(undefined, baseFetch);
  const listeners = new Set<() => void>();
  let state: SessionState = { kind: 'unknown' };
  let accessToken: string | null = null;
  let cancelRefresh: (() => void) | null = null;
  let refreshing: Promise<boolean> | null = null;

  const set = (next: SessionState) => {
    state = next;
    for (const listener of listeners) listener();
  };

  const end = (reason: 'none' | 'expired' | 'signed-out' | 'idle') => {
    accessToken = null;
    cancelRefresh?.();
    cancelRefresh = null;
    set({ kind: 'signed-out', reason });
  };

  const adopt = (answer: LoginAnswer) => {
    accessToken = answer.accessToken;
    cancelRefresh?.();
    const inMs = Math.max(5_000, answer.expiresInSeconds * 1000 - REFRESH_MARGIN_MS);
    cancelRefresh = schedule(() => void refresh(), inMs);
    set({ kind: 'signed-in', user: answer.user });
  };

  /** One refresh at a time: concurrent 401s share it (a second would reuse a rotated token). */
  const refresh = (): Promise<boolean> => {
    refreshing ??= (async () => {
      try {
        const answer = await unwrap(
          plain.POST('/api/v1/auth/refresh', { headers: { 'x-csrf-token': csrfToken() } }),
        );
        adopt(answer);
        return true;
      } catch (err) {
        // Offline is not the end of a session: keep it, the next attempt may work.
        if (err instanceof NetworkError) return accessToken !== null;
        end(state.kind === 'signed-in' ? 'expired' : 'none');
        return false;
      } finally {
        refreshing = null;
      }
    })();
    return refreshing;
  };

  /** Sends with the access token; on 401, refreshes once and sends again. */
  const authorizedFetch = async (input: Request): Promise<Response> => {
    const retry = input.clone();
    const send = (request: Request) => {
      if (accessToken !== null) request.headers.set('authorization', `Bearer ${accessToken}`);
      return baseFetch(request);
    };
    const first = await send(input);
    if (first.status !== 401 || input.url.includes('/api/v1/auth/')) return first;
    return (await refresh()) ? send(retry) : first;
  };

  const api = makeApi(undefined, authorizedFetch as typeof fetch);

  return {
    state: () => state,
    subscribe: (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    api,
    token: () => accessToken,
    login: async (username, password) => {
      const answer = await unwrap(
        plain.POST('/api/v1/auth/login', { body: { username, password } }),
      );
      adopt(answer);
      return answer.user;
    },
    resume: () => (accessToken !== null ? Promise.resolve(true) : refresh()),
    logout: async (reason = 'signed-out') => {
      try {
        await plain.POST('/api/v1/auth/logout', { headers: { 'x-csrf-token': csrfToken() } });
      } catch {
        // Offline: the cookie expires on its own; this tab forgets the token either way.
      } finally {
        end(reason);
      }
    },
  };
};

export const isLocked = (err: unknown): err is ApiProblem =>
  err instanceof ApiProblem && err.code === 'ACCOUNT_LOCKED';
