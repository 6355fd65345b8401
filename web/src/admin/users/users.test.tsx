import { act, fireEvent, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import {
  ADMIN,
  department,
  departmentsRoute,
  fakeServer,
  json,
  noContent,
  problem,
  renderAdmin,
} from '../test-support';

const doctor = {
  id: '00000000-0000-4000-8000-0000000000b1',
  username: 'dr.mensah',
  role: 'doctor',
  active: true,
  departmentIds: [department(1).id],
};

const usersRoute = (users: unknown[], nextCursor: string | null = null) => ({
  'GET /api/v1/admin/users': () => json(200, { users, nextCursor }),
});

describe('Users', () => {
  it('shows the password policy as the admin types, and refuses a weak password before sending', async () => {
    const server = fakeServer({ ...departmentsRoute(department(1)), ...usersRoute([ADMIN]) });
    renderAdmin('/admin/users', server);
    const form = await screen.findByRole('form', { name: 'New user' });
    const password = within(form).getByLabelText('Password');
    expect(password.getAttribute('aria-describedby')).toBeTruthy();
    await userEvent.type(within(form).getByLabelText('Username'), 'dr.mensah');
    await userEvent.type(password, 'short');
    const rule = (name: string) => within(form).getByText(name).closest('li')?.textContent;
    expect(rule('at least 12 characters')).toContain('not yet');
    expect(rule('a small letter')).toContain('done');
    await userEvent.click(within(form).getByRole('button', { name: 'Create' }));
    expect(within(form).getByRole('alert').textContent).toContain('does not meet the policy');
    expect(password.getAttribute('aria-invalid')).toBe('true');
    expect(server.requests('POST', '/api/v1/admin/users')).toHaveLength(0);

    await userEvent.clear(password);
    await userEvent.type(password, 'Corr3ct-Horse-Battery!');
    expect(rule('at least 12 characters')).toContain('done');
    expect(within(form).queryByRole('alert')).toBeNull();
  });

  it('creates a user with role and departments, and shows the server’s refusal when it says no', async () => {
    let taken = true;
    const server = fakeServer({
      ...departmentsRoute(department(1), department(2)),
      ...usersRoute([ADMIN]),
      'POST /api/v1/admin/users': () => {
        if (taken) {
          return problem(400, 'VALIDATION_FAILED', 'body.username: too short', {
            errors: [
              {
                path: 'body.username',
                message: 'must be 3–64 letters, digits, dots, dashes or underscores',
              },
            ],
          });
        }
        return json(201, { user: doctor });
      },
    });
    renderAdmin('/admin/users', server);
    const form = await screen.findByRole('form', { name: 'New user' });
    await userEvent.type(within(form).getByLabelText('Username'), 'dr mensah');
    await userEvent.type(within(form).getByLabelText('Password'), 'Corr3ct-Horse-Battery!');
    await userEvent.selectOptions(within(form).getByLabelText('Role'), 'doctor');
    await waitFor(() =>
      expect(within(form).getByRole('option', { name: 'Radiology' })).toBeTruthy(),
    );
    // Choosing two (Ctrl+click): happy-dom's multiple select keeps one option per userEvent call.
    const picker = within(form).getByLabelText<HTMLSelectElement>('Departments');
    for (const option of picker.options) option.selected = true;
    fireEvent.change(picker);
    await userEvent.click(within(form).getByRole('button', { name: 'Create' }));
    const alert = await within(form).findByRole('alert');
    expect(alert.textContent).toContain('The server did not accept this');
    expect(alert.textContent).toContain('username: must be 3–64 letters');
    expect(within(form).getByLabelText('Username').getAttribute('aria-invalid')).toBe('true');

    taken = false;
    await userEvent.clear(within(form).getByLabelText('Username'));
    await userEvent.type(within(form).getByLabelText('Username'), 'dr.mensah');
    await userEvent.click(within(form).getByRole('button', { name: 'Create' }));
    expect(await screen.findByText(/User dr\.mensah created/)).toBeTruthy();
    expect(server.requests('POST', '/api/v1/admin/users').at(-1)?.body).toEqual({
      username: 'dr.mensah',
      password: 'Corr3ct-Horse-Battery!',
      role: 'doctor',
      departmentIds: [department(1).id, department(2).id],
    });
  });

  it('lists users with their departments; Deactivate is confirmed; an admin cannot deactivate themself', async () => {
    let active = true;
    const server = fakeServer({
      ...departmentsRoute(department(1)),
      'GET /api/v1/admin/users': () =>
        json(200, { users: [ADMIN, { ...doctor, active }], nextCursor: null }),
      'DELETE /api/v1/admin/users/:id': () => {
        active = false;
        return noContent();
      },
    });
    renderAdmin('/admin/users', server);
    const me = (await screen.findByRole('rowheader', { name: /^admin/ })).closest(
      'tr',
    ) as HTMLElement;
    expect(within(me).queryByRole('button', { name: 'Deactivate' })).toBeNull();
    const row = screen.getByRole('rowheader', { name: 'dr.mensah' }).closest('tr') as HTMLElement;
    expect(await within(row).findByText('Cardiology')).toBeTruthy();
    expect(within(row).getByRole('link', { name: 'Sessions' }).getAttribute('href')).toBe(
      `/admin/users/${doctor.id}`,
    );

    await userEvent.click(within(row).getByRole('button', { name: 'Deactivate' }));
    let dialog = screen.getByRole('alertdialog', { name: 'Deactivate the account dr.mensah?' });
    await userEvent.click(within(dialog).getByRole('button', { name: 'Cancel' }));
    expect(screen.queryByRole('alertdialog')).toBeNull();
    expect(server.requests('DELETE', `/api/v1/admin/users/${doctor.id}`)).toHaveLength(0);

    await userEvent.click(within(row).getByRole('button', { name: 'Deactivate' }));
    dialog = screen.getByRole('alertdialog');
    await userEvent.click(within(dialog).getByRole('button', { name: 'Deactivate' }));
    expect(await within(row).findByText('Deactivated')).toBeTruthy();
    expect(server.requests('DELETE', `/api/v1/admin/users/${doctor.id}`)).toHaveLength(1);
    // The Deactivate button went with the change: focus is handed to the main area.
    await act(() => new Promise((r) => setTimeout(r, 10)));
    expect(document.activeElement?.id).toBe('admin-main');
  });

  it('pages the users with Next page', async () => {
    const server = fakeServer({
      ...departmentsRoute(department(1)),
      'GET /api/v1/admin/users': (_r, url) =>
        url.searchParams.get('cursor') === 'u2'
          ? json(200, { users: [doctor], nextCursor: null })
          : json(200, { users: [ADMIN], nextCursor: 'u2' }),
    });
    renderAdmin('/admin/users', server);
    await screen.findByRole('rowheader', { name: /^admin/ });
    await userEvent.click(screen.getByRole('button', { name: 'Next page' }));
    expect(await screen.findByRole('rowheader', { name: 'dr.mensah' })).toBeTruthy();
  });
});

describe('A user’s sessions', () => {
  const session = {
    id: '00000000-0000-4000-8000-00000000e001',
    createdAt: '2026-11-23T08:00:00.000Z',
    lastUsedAt: '2026-11-23T09:30:00.000Z',
    expiresAt: '2026-11-23T20:00:00.000Z',
    ip: '10.0.0.7',
    userAgent:
      'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/140.0 Safari/537.36',
  };

  it('shows device, IP and last use, and Revoke (confirmed) ends a session', async () => {
    let sessions = [
      session,
      { ...session, id: '00000000-0000-4000-8000-00000000e002', userAgent: null, ip: null },
    ];
    const server = fakeServer({
      ...departmentsRoute(department(1)),
      ...usersRoute([ADMIN, doctor]),
      'GET /api/v1/admin/users/:id/sessions': () => json(200, { sessions }),
      'DELETE /api/v1/admin/sessions/:id': () => {
        sessions = sessions.slice(1);
        return noContent();
      },
    });
    renderAdmin('/admin/users', server);
    const row = (await screen.findByRole('rowheader', { name: 'dr.mensah' })).closest(
      'tr',
    ) as HTMLElement;
    await userEvent.click(within(row).getByRole('link', { name: 'Sessions' }));
    expect(
      await screen.findByRole('heading', { level: 1, name: 'Sessions of dr.mensah' }),
    ).toBeTruthy();
    const first = (await screen.findByRole('rowheader', { name: /Chrome on Linux/ })).closest(
      'tr',
    ) as HTMLElement;
    expect(within(first).getByText('10.0.0.7')).toBeTruthy();
    expect(screen.getByRole('rowheader', { name: 'Unknown device' })).toBeTruthy();
    expect(server.requests('GET', `/api/v1/admin/users/${doctor.id}/sessions`)).toHaveLength(1);

    await userEvent.click(within(first).getByRole('button', { name: 'Revoke' }));
    const dialog = screen.getByRole('alertdialog', { name: 'Revoke this session of dr.mensah?' });
    expect(dialog.textContent).toContain('Chrome on Linux is signed out at once');
    await userEvent.click(within(dialog).getByRole('button', { name: 'Revoke' }));
    await waitFor(() =>
      expect(screen.queryByRole('rowheader', { name: /Chrome on Linux/ })).toBeNull(),
    );
    expect(server.requests('DELETE', `/api/v1/admin/sessions/${session.id}`)).toHaveLength(1);
    expect(screen.getByText('Session revoked: Chrome on Linux is signed out.')).toBeTruthy();
  });

  it('says when the user is signed in nowhere, and when the user does not exist', async () => {
    const server = fakeServer({
      ...departmentsRoute(department(1)),
      ...usersRoute([ADMIN, doctor]),
      'GET /api/v1/admin/users/:id/sessions': () => json(200, { sessions: [] }),
    });
    const view = renderAdmin(`/admin/users/${doctor.id}`, server);
    expect(await screen.findByText('dr.mensah is not signed in anywhere.')).toBeTruthy();
    view.unmount();
    renderAdmin('/admin/users/00000000-0000-4000-8000-000000000999', server);
    expect((await screen.findByRole('alert')).textContent).toContain(
      'There is no user with this address',
    );
  });
});
