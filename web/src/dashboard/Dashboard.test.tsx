import { QueryClientProvider } from '@tanstack/react-query';
import { render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { MemoryRouter } from 'react-router';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { makeQueryClient } from '../app/query-client';
import { IdleWarning } from '../shared/auth/IdleWarning';
import { SessionProvider } from '../shared/auth/session-context';
import { makeStaffSession, type StaffUser } from '../shared/auth/staff-session';
import { Dashboard } from './Dashboard';

const DEP = '11111111-1111-4111-8111-111111111111';
const OTHER = '22222222-2222-4222-8222-222222222222';
const ROOM = '33333333-3333-4333-8333-333333333333';

const department = (id: string, name: string) => ({
  id,
  code: 'CARD',
  name,
  active: true,
  priorityBurst: 3,
  maxWaitMinutes: null,
  rooms: [{ id: ROOM, name: 'Room 3', active: true }],
});

const visit = (n: number, state = 'WAITING', version = 1) => ({
  id: `00000000-0000-4000-8000-00000000000${n}`,
  departmentId: DEP,
  serviceDay: '2026-11-30',
  seq: n,
  ticket: `CARD-00${n}`,
  publicToken: `public-token-${n}`,
  priority: 'normal',
  state,
  version,
  roomId: state === 'WAITING' ? null : ROOM,
  callCount: state === 'WAITING' ? 0 : 1,
  patient: { displayName: `Patient ${n}`, phone: null },
  checkedInAt: '2026-11-30T08:00:00.000Z',
  queuedAt: '2026-11-30T08:00:00.000Z',
  calledAt: state === 'WAITING' ? null : '2026-11-30T08:10:00.000Z',
  startedAt: null,
  endedAt: null,
  transferredFromVisitId: null,
  transferredToVisitId: null,
  cancelReason: null,
});

const queueOf = (waiting: unknown[], called: unknown[] = []) => ({
  department: department(DEP, 'Cardiology'),
  serviceDay: '2026-11-30',
  lastEventId: 5,
  waiting,
  called,
  inConsultation: [],
  stats: { waitingCount: waiting.length, medianWaitMinutes: null, estimatedWaitMinutes: null },
});

const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': status < 400 ? 'application/json' : 'application/problem+json' },
  });

/** The API as the dashboard sees it; `routes` answers by "METHOD path". */
const renderDashboard = (
  user: StaffUser,
  routes: Record<string, (request: Request) => Response>,
) => {
  const requests: string[] = [];
  const fetch = (input: RequestInfo | URL, init?: RequestInit) => {
    const request = input instanceof Request ? input : new Request(String(input), init);
    const key = `${request.method} ${new URL(request.url).pathname}`;
    requests.push(key);
    const answer = routes[key];
    return Promise.resolve(
      answer !== undefined ? answer(request) : json(404, { code: 'NOT_FOUND', status: 404 }),
    );
  };
  const session = makeStaffSession({ fetch, schedule: () => () => {} });
  render(
    <QueryClientProvider client={makeQueryClient()}>
      <SessionProvider session={session}>
        <MemoryRouter>
          <Dashboard user={user} />
        </MemoryRouter>
      </SessionProvider>
    </QueryClientProvider>,
  );
  return { requests };
};

const doctor: StaffUser = {
  id: 'd1',
  username: 'dr-a',
  role: 'doctor',
  active: true,
  departmentIds: [DEP],
};
const reception: StaffUser = { ...doctor, id: 'r1', username: 'rec', role: 'reception' };

const baseRoutes = (queue = queueOf([visit(1)])) => ({
  'GET /api/v1/departments': () =>
    json(200, { departments: [department(DEP, 'Cardiology'), department(OTHER, 'Radiology')] }),
  [`GET /api/v1/departments/${DEP}/queue`]: () => json(200, queue),
  'POST /api/v1/stream-tickets': () =>
    json(201, { ticket: 'ticket-abcdefghijklmnop', expiresInSeconds: 30 }),
});

class SilentEventSource {
  readyState = 0;
  onopen = null;
  onerror = null;
  addEventListener() {}
  close() {}
}

beforeEach(() => {
  vi.stubGlobal('EventSource', SilentEventSource);
  localStorage.setItem('mq.dashboard.d1', JSON.stringify({ departmentId: DEP, roomId: ROOM }));
  localStorage.setItem('mq.dashboard.r1', JSON.stringify({ departmentId: DEP, roomId: ROOM }));
});

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('Dashboard', () => {
  it('shows a doctor only their departments, and only the actions a doctor may take', async () => {
    renderDashboard(doctor, baseRoutes());
    const waiting = await screen.findByRole('region', { name: /^Waiting/ });
    const row = await within(waiting).findByRole('listitem', { name: 'CARD-001' });
    expect(within(row).getByText('Patient 1')).toBeTruthy();
    expect(
      within(row)
        .getAllByRole('button')
        .map((b) => b.textContent),
    ).toEqual(['Call', 'Transfer']);
    const options = within(screen.getByLabelText('Department')).getAllByRole('option');
    expect(options.map((o) => o.textContent)).toEqual(['Cardiology']);
    expect(screen.queryByRole('region', { name: 'Check in patient' })).toBeNull();
  });

  it('offers reception Cancel and the Check in patient form', async () => {
    renderDashboard(reception, baseRoutes());
    const row = await screen.findByRole('listitem', { name: 'CARD-001' });
    expect(within(row).getByRole('button', { name: 'Cancel' })).toBeTruthy();
    const form = screen.getByRole('region', { name: 'Check in patient' });
    expect(within(form).getByLabelText('Patient name')).toBeTruthy();
    expect(within(form).getByLabelText('Phone')).toBeTruthy();
    const priorities = within(within(form).getByLabelText('Priority')).getAllByRole('option');
    expect(priorities.map((o) => o.textContent)).toEqual(['Normal', 'Priority', 'Emergency']);
  });

  it('a 409 says "changed by someone else" in an alert and shows the refreshed visit', async () => {
    let reads = 0;
    renderDashboard(doctor, {
      ...baseRoutes(),
      [`GET /api/v1/departments/${DEP}/queue`]: () =>
        json(200, (reads += 1) === 1 ? queueOf([visit(1)]) : queueOf([], [visit(1, 'CALLED', 2)])),
      [`POST /api/v1/visits/${visit(1).id}/call`]: () =>
        json(409, { code: 'VERSION_CONFLICT', status: 409, currentVersion: 2 }),
    });
    const row = await screen.findByRole('listitem', { name: 'CARD-001' });
    await userEvent.click(within(row).getByRole('button', { name: 'Call' }));
    expect((await screen.findByRole('alert')).textContent).toContain('changed by someone else');
    const called = screen.getByRole('region', { name: /^Called/ });
    await waitFor(() =>
      expect(within(called).getByRole('listitem', { name: 'CARD-001' })).toBeTruthy(),
    );
  });

  it('asks for a room before calling, and says when nobody is waiting', async () => {
    localStorage.setItem('mq.dashboard.d1', JSON.stringify({ departmentId: DEP, roomId: null }));
    renderDashboard(doctor, {
      ...baseRoutes(queueOf([])),
      [`POST /api/v1/departments/${DEP}/call-next`]: () =>
        json(409, { code: 'QUEUE_EMPTY', status: 409 }),
    });
    const callNext = await screen.findByRole('button', { name: 'Call next' });
    await userEvent.click(callNext);
    expect((await screen.findByRole('alert')).textContent).toBe('Choose your room first.');
    await userEvent.selectOptions(screen.getByLabelText('Room'), 'Room 3');
    await userEvent.click(callNext);
    await waitFor(() =>
      expect(screen.getAllByRole('status').map((s) => s.textContent)).toContain(
        'Nobody is waiting.',
      ),
    );
  });

  it('asks before a no-show; Keep changes nothing', async () => {
    const { requests } = renderDashboard(doctor, baseRoutes(queueOf([], [visit(1, 'CALLED', 2)])));
    const row = await screen.findByRole('listitem', { name: 'CARD-001' });
    await userEvent.click(within(row).getByRole('button', { name: 'No-show' }));
    const dialog = await screen.findByRole('dialog');
    expect(within(dialog).getByRole('heading').textContent).toBe('Mark CARD-001 as a no-show?');
    expect(within(dialog).getByRole('button', { name: 'No-show' })).toBeTruthy();
    await userEvent.click(within(dialog).getByRole('button', { name: 'Keep' }));
    expect(requests.some((r) => r.includes('/no-show'))).toBe(false);
  });
});

describe('IdleWarning', () => {
  it('is an alert dialog that offers to stay signed in', async () => {
    const stay = vi.fn();
    render(<IdleWarning onStay={stay} />);
    const dialog = screen.getByRole('alertdialog', { name: 'Are you still there?' });
    await userEvent.click(within(dialog).getByRole('button', { name: 'Stay signed in' }));
    expect(stay).toHaveBeenCalledTimes(1);
  });
});
