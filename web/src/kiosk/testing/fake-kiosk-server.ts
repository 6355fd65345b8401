import type { Department, Visit } from '../../shared/api/types';

/**
 * A stand-in for the server at the fetch boundary, for the kiosk's component tests: it
 * keeps state like the real one (visits, idempotency keys, a revoked token), so tests
 * assert what happened, not which calls were made.
 */
export const KIOSK_TOKEN = 'mqk_componentTestToken0123456789';

let departmentCount = 0;
export const department = (code: string, name: string): Department => ({
  id: `00000000-0000-4000-8000-${String((departmentCount += 1)).padStart(12, '0')}`,
  code,
  name,
  active: true,
  priorityBurst: 3,
  maxWaitMinutes: null,
  rooms: [],
});

export interface CheckInAttempt {
  readonly key: string | null;
  readonly body: { departmentId: string; patient?: { displayName?: string }; priority?: string };
}

export interface FakeKioskServer {
  departments: Department[];
  /** An admin revoked the kiosk: every call with its token gets 401. */
  revoked: boolean;
  /** This many check-ins are lost on the way (the network fails before the server). */
  dropCheckIns: number;
  /** A problem every check-in gets instead of a ticket. */
  checkInProblem: { status: number; code: string } | null;
  /** While set, check-in answers wait for it (the "submitting" state). */
  holdCheckIns: Promise<void> | null;
  /** Every check-in request sent, dropped ones included. */
  readonly attempts: CheckInAttempt[];
  /** Tickets made, one per distinct Idempotency-Key. */
  readonly visits: Visit[];
  readonly fetch: typeof fetch;
}

const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json', ...headers },
  });

const problem = (status: number, code: string) =>
  json(status, { type: 'about:blank', title: code, status, code, detail: code, requestId: 'r' });

export const fakeKioskServer = (departments: Department[]): FakeKioskServer => {
  const byKey = new Map<string, Visit>();
  const server: FakeKioskServer = {
    departments,
    revoked: false,
    dropCheckIns: 0,
    checkInProblem: null,
    holdCheckIns: null,
    attempts: [],
    visits: [],
    fetch: async (input) => {
      const request = input as Request;
      const { pathname } = new URL(request.url);
      const authorized =
        !server.revoked && request.headers.get('authorization') === `Bearer ${KIOSK_TOKEN}`;

      if (request.method === 'GET' && pathname === '/api/v1/departments') {
        return authorized
          ? json(200, { departments: server.departments })
          : problem(401, 'UNAUTHENTICATED');
      }
      if (request.method === 'POST' && pathname === '/api/v1/checkins') {
        return checkIn(request, authorized);
      }
      const ticket = /^\/api\/v1\/tickets\/([^/]+)$/.exec(pathname);
      if (request.method === 'GET' && ticket?.[1] !== undefined) {
        const index = server.visits.findIndex((v) => v.publicToken === ticket[1]);
        const visit = server.visits[index];
        if (visit === undefined) return problem(404, 'NOT_FOUND');
        return json(200, {
          ticket: visit.ticket,
          departmentName: server.departments.find((d) => d.id === visit.departmentId)?.name,
          state: 'WAITING',
          position: index + 3, // two people were already waiting
          estimatedWaitMinutes: 12,
          roomName: null,
        });
      }
      return problem(404, 'NOT_FOUND');
    },
  };

  const checkIn = async (request: Request, authorized: boolean): Promise<Response> => {
    const key = request.headers.get('idempotency-key');
    const body = (await request.json()) as CheckInAttempt['body'];
    server.attempts.push({ key, body });
    if (server.dropCheckIns > 0) {
      server.dropCheckIns -= 1;
      throw new TypeError('Failed to fetch');
    }
    if (server.holdCheckIns !== null) await server.holdCheckIns;
    if (!authorized) return problem(401, 'UNAUTHENTICATED');
    if (server.checkInProblem !== null) {
      return problem(server.checkInProblem.status, server.checkInProblem.code);
    }
    if (key === null) return problem(400, 'VALIDATION_FAILED');
    const replay = byKey.get(key);
    if (replay !== undefined)
      return json(201, { visit: replay }, { 'idempotent-replayed': 'true' });
    const dep = server.departments.find((d) => d.id === body.departmentId);
    if (dep === undefined) return problem(404, 'NOT_FOUND');
    const seq = server.visits.length + 12;
    const at = new Date('2026-11-23T09:41:00Z').toISOString();
    const visit: Visit = {
      id: `10000000-0000-4000-8000-${String(seq).padStart(12, '0')}`,
      departmentId: dep.id,
      serviceDay: '2026-11-23',
      seq,
      ticket: `${dep.code}-${String(seq).padStart(3, '0')}`,
      publicToken: `pub${String(seq).padStart(24, 'x')}`,
      priority: body.priority === 'priority' ? 'priority' : 'normal',
      state: 'WAITING',
      version: 1,
      roomId: null,
      callCount: 0,
      patient: { displayName: body.patient?.displayName ?? null, phone: null },
      checkedInAt: at,
      queuedAt: at,
      calledAt: null,
      startedAt: null,
      endedAt: null,
      transferredFromVisitId: null,
      transferredToVisitId: null,
      cancelReason: null,
    };
    byKey.set(key, visit);
    server.visits.push(visit);
    return json(201, { visit });
  };

  return server;
};
