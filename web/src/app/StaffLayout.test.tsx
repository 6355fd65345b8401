import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { act, render } from '@testing-library/react';
import { MemoryRouter, Route, Routes } from 'react-router';
import { describe, expect, it, vi } from 'vitest';
import * as sessions from '../shared/auth/staff-session';
import { StaffLayout } from './StaffLayout';

const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

describe('StaffLayout', () => {
  it('forgets every cached answer (patients included) when the session ends', async () => {
    const fetch = (input: RequestInfo | URL) =>
      Promise.resolve(
        String(input instanceof Request ? input.url : input).endsWith('/auth/login')
          ? json(200, {
              accessToken: 'a',
              expiresInSeconds: 900,
              user: { id: 'u', username: 'u', role: 'doctor', active: true, departmentIds: [] },
            })
          : new Response(null, { status: 204 }),
      );
    const session = sessions.makeStaffSession({ fetch, schedule: () => () => {} });
    vi.spyOn(sessions, 'makeStaffSession').mockReturnValue(session);
    const queryClient = new QueryClient();
    render(
      <QueryClientProvider client={queryClient}>
        <MemoryRouter initialEntries={['/dashboard']}>
          <Routes>
            <Route element={<StaffLayout />}>
              <Route path="/dashboard" element={<p>dashboard</p>} />
            </Route>
          </Routes>
        </MemoryRouter>
      </QueryClientProvider>,
    );
    await act(() => session.login('u', 'p'));
    queryClient.setQueryData(['queue', 'd'], { waiting: [{ patient: { displayName: 'Ama' } }] });
    await act(() => session.logout());
    expect(queryClient.getQueryData(['queue', 'd'])).toBeUndefined();
  });
});
