import { describe, expect, it } from 'vitest';
import { ApiProblem } from '../api/problem';
import { makeStaffSession, REFRESH_MARGIN_MS } from './staff-session';

const user = { id: 'u1', username: 'dr-a', role: 'doctor', active: true, departmentIds: [] };
const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), {
    status,
    headers: {
      'content-type': status < 400 ? 'application/json' : 'application/problem+json',
    },
  });
const session = (token: string) => json(200, { accessToken: token, expiresInSeconds: 900, user });
const problem = (status: number, code: string) => json(status, { status, code, title: code });

/** A server the test scripts: each request is recorded, answers come from `answer`. */
const fakeServer = (answer: (request: Request, seen: Request[]) => Response) => {
  const seen: Request[] = [];
  const fetch = (input: RequestInfo | URL, init?: RequestInit) => {
    const request = input instanceof Request ? input : new Request(String(input), init);
    seen.push(request);
    return Promise.resolve(answer(request, seen));
  };
  return { fetch, seen };
};

const manualSchedule = () => {
  const pending: { run: () => void; ms: number }[] = [];
  return {
    pending,
    schedule: (run: () => void, ms: number) => {
      const entry = { run, ms };
      pending.push(entry);
      return () => pending.splice(pending.indexOf(entry), 1);
    },
  };
};

describe('makeStaffSession', () => {
  it('keeps the access token in memory only and sends it as a bearer', async () => {
    const server = fakeServer((r) =>
      r.url.endsWith('/auth/login') ? session('access-1') : json(200, user),
    );
    const s = makeStaffSession({ fetch: server.fetch, schedule: manualSchedule().schedule });
    await s.login('dr-a', 'pw');
    expect(s.state()).toMatchObject({ kind: 'signed-in', user: { username: 'dr-a' } });
    await s.api.GET('/api/v1/me');
    expect(server.seen[1]?.headers.get('authorization')).toBe('Bearer access-1');
    expect(JSON.stringify(localStorage)).not.toContain('access-1');
  });

  it('refreshes a minute before expiry, with X-CSRF-Token from the mq_csrf cookie', async () => {
    document.cookie = 'mq_csrf=csrf-value; path=/';
    const timers = manualSchedule();
    const server = fakeServer((r) =>
      r.url.endsWith('/auth/login') ? session('access-1') : session('access-2'),
    );
    const s = makeStaffSession({ fetch: server.fetch, schedule: timers.schedule });
    await s.login('dr-a', 'pw');
    expect(timers.pending.map((p) => p.ms)).toEqual([900_000 - REFRESH_MARGIN_MS]);
    timers.pending[0]?.run();
    await new Promise((r) => setTimeout(r, 0));
    const refresh = server.seen[1];
    expect(refresh?.url).toMatch(/\/api\/v1\/auth\/refresh$/);
    expect(refresh?.headers.get('x-csrf-token')).toBe('csrf-value');
    expect(s.token()).toBe('access-2');
  });

  it('on a 401, refreshes once and sends the request again; concurrent 401s share one refresh', async () => {
    let refreshes = 0;
    const server = fakeServer((r) => {
      if (r.url.endsWith('/auth/login')) return session('old');
      if (r.url.endsWith('/auth/refresh')) {
        refreshes += 1;
        return session('new');
      }
      return r.headers.get('authorization') === 'Bearer new'
        ? json(200, user)
        : problem(401, 'UNAUTHENTICATED');
    });
    const s = makeStaffSession({ fetch: server.fetch, schedule: manualSchedule().schedule });
    await s.login('dr-a', 'pw');
    const answers = await Promise.all([s.api.GET('/api/v1/me'), s.api.GET('/api/v1/me')]);
    expect(answers.map((a) => a.response.status)).toEqual([200, 200]);
    expect(refreshes).toBe(1);
  });

  it('a refresh that fails ends the session (signed-out, expired) and answers the 401', async () => {
    const server = fakeServer((r) =>
      r.url.endsWith('/auth/login')
        ? session('old')
        : r.url.endsWith('/auth/refresh')
          ? problem(401, 'UNAUTHENTICATED')
          : problem(401, 'UNAUTHENTICATED'),
    );
    const s = makeStaffSession({ fetch: server.fetch, schedule: manualSchedule().schedule });
    await s.login('dr-a', 'pw');
    const answer = await s.api.GET('/api/v1/me');
    expect(answer.response.status).toBe(401);
    expect(s.state()).toEqual({ kind: 'signed-out', reason: 'expired' });
    expect(s.token()).toBeNull();
  });

  it('resume() after a reload: the refresh cookie gives a token, or there is no session', async () => {
    const ok = makeStaffSession({ fetch: fakeServer(() => session('from-cookie')).fetch });
    expect(await ok.resume()).toBe(true);
    expect(ok.token()).toBe('from-cookie');
    const none = makeStaffSession({
      fetch: fakeServer(() => problem(401, 'UNAUTHENTICATED')).fetch,
    });
    expect(await none.resume()).toBe(false);
    expect(none.state()).toEqual({ kind: 'signed-out', reason: 'none' });
  });

  it('login failures surface as problems; logout calls the server and forgets the token', async () => {
    const failing = makeStaffSession({
      fetch: fakeServer(() => problem(429, 'ACCOUNT_LOCKED')).fetch,
    });
    await expect(failing.login('x', 'y')).rejects.toMatchObject({ code: 'ACCOUNT_LOCKED' });
    await expect(failing.login('x', 'y')).rejects.toBeInstanceOf(ApiProblem);

    const server = fakeServer((r) =>
      r.url.endsWith('/auth/login') ? session('t') : new Response(null, { status: 204 }),
    );
    const s = makeStaffSession({ fetch: server.fetch, schedule: manualSchedule().schedule });
    await s.login('dr-a', 'pw');
    await s.logout('idle');
    expect(server.seen[1]?.url).toMatch(/\/api\/v1\/auth\/logout$/);
    expect(s.state()).toEqual({ kind: 'signed-out', reason: 'idle' });
  });
});
