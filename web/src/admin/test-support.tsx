import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { render } from '@testing-library/react';
import { StrictMode } from 'react';
import { MemoryRouter, Route, Routes, useLocation } from 'react-router';
import { SessionProvider } from '../shared/auth/session-context';
import { makeStaffSession } from '../shared/auth/staff-session';
import { AdminScreen } from './AdminScreen';

/** Component-test support for the admin console: a scripted server behind `fetch`. */

export const ADMIN = {
  id: '00000000-0000-4000-8000-0000000000a1',
  username: 'admin',
  role: 'admin' as const,
  active: true,
  departmentIds: [],
};

export const json = (status: number, body: unknown): Response =>
  new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': status < 400 ? 'application/json' : 'application/problem+json' },
  });

export const noContent = (): Response => new Response(null, { status: 204 });

export const problem = (
  status: number,
  code: string,
  detail: string,
  extra: Record<string, unknown> = {},
): Response =>
  json(status, {
    type: `urn:test:${code}`,
    title: code,
    status,
    code,
    detail,
    requestId: 'req-7',
    ...extra,
  });

type Handler = (request: Request, url: URL) => Response | Promise<Response>;

/**
 * `fetch` answering from `routes` ("GET /api/v1/admin/kiosks" → handler; a `:id` segment
 * matches any one segment). Every request is kept in `seen`, with its body read, so tests
 * assert what reached the server. Sign-in (refresh) answers as an admin unless overridden.
 */
export const fakeServer = (routes: Record<string, Handler>, user = ADMIN) => {
  const seen: { method: string; url: URL; body: unknown; headers: Headers }[] = [];
  const all: Record<string, Handler> = {
    'POST /api/v1/auth/refresh': () =>
      json(200, { accessToken: 'token-1', expiresInSeconds: 900, user }),
    'POST /api/v1/auth/logout': () => noContent(),
    ...routes,
  };
  const table = Object.entries(all).map(([key, handler]) => {
    const [method, path] = key.split(' ') as [string, string];
    const pattern = new RegExp(`^${path.replace(/:[a-zA-Z]+/g, '[^/]+')}$`);
    return { method, pattern, handler };
  });
  const fetch = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const request = input instanceof Request ? input : new Request(String(input), init);
    const url = new URL(request.url);
    const text = request.body === null ? '' : await request.clone().text();
    seen.push({
      method: request.method,
      url,
      body: text === '' ? undefined : (JSON.parse(text) as unknown),
      headers: request.headers,
    });
    const route = table.find((r) => r.method === request.method && r.pattern.test(url.pathname));
    if (route === undefined)
      return problem(404, 'NOT_FOUND', `no fake for ${request.method} ${url.pathname}`);
    return route.handler(request, url);
  };
  const requests = (method: string, path: string) =>
    seen.filter((s) => s.method === method && s.url.pathname === path);
  return { fetch, seen, requests };
};

export type FakeServer = ReturnType<typeof fakeServer>;

const Where = () => {
  const location = useLocation();
  return <output data-testid="location">{location.pathname + location.search}</output>;
};

/**
 * The admin console at `path`, signed in through the fake server, as the app mounts it
 * (StrictMode included: effects run twice, as in development).
 */
export const renderAdmin = (path: string, server: FakeServer) => {
  const session = makeStaffSession({ fetch: server.fetch, schedule: () => () => undefined });
  const queryClient = new QueryClient({
    defaultOptions: { queries: { retry: false, staleTime: Infinity }, mutations: { retry: false } },
  });
  return render(
    <StrictMode>
      <QueryClientProvider client={queryClient}>
        <SessionProvider session={session}>
          <MemoryRouter initialEntries={[path]}>
            <Routes>
              <Route path="/admin/*" element={<AdminScreen />} />
              <Route path="/login" element={<p>login page</p>} />
            </Routes>
            <Where />
          </MemoryRouter>
        </SessionProvider>
      </QueryClientProvider>
    </StrictMode>,
  );
};

/** Common fixtures. */
export const department = (n: number, overrides: Record<string, unknown> = {}) => ({
  id: `00000000-0000-4000-8000-00000000d00${n}`,
  code: ['CARD', 'RAD', 'PED', 'DERM'][n - 1] ?? `D${n}`,
  name: ['Cardiology', 'Radiology', 'Paediatrics', 'Dermatology'][n - 1] ?? `Department ${n}`,
  active: true,
  priorityBurst: 3,
  maxWaitMinutes: null,
  rooms: [],
  ...overrides,
});

export const departmentsRoute = (...departments: ReturnType<typeof department>[]) => ({
  'GET /api/v1/admin/departments': () => json(200, { departments, nextCursor: null }),
});
