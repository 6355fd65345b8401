import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import i18next from 'i18next';
import { afterEach, describe, expect, it } from 'vitest';
import {
  ADMIN,
  department,
  departmentsRoute,
  fakeServer,
  json,
  problem,
  renderAdmin,
} from './test-support';

afterEach(async () => {
  await i18next.changeLanguage('en');
});

describe('The admin console', () => {
  it('has docs/screens.md’s navigation links, marks the current one, and moves between sections', async () => {
    const server = fakeServer({
      ...departmentsRoute(department(1)),
      'GET /api/v1/admin/users': () => json(200, { users: [ADMIN], nextCursor: null }),
    });
    renderAdmin('/admin/departments', server);
    const nav = await screen.findByRole('navigation', { name: 'Admin sections' });
    const names = within(nav)
      .getAllByRole('link')
      .map((l) => l.textContent);
    expect(names).toEqual(['Departments', 'Users', 'Kiosks', 'Boards', 'Audit log', 'Reports']);
    expect(
      within(nav).getByRole('link', { name: 'Departments' }).getAttribute('aria-current'),
    ).toBe('page');
    await userEvent.click(within(nav).getByRole('link', { name: 'Users' }));
    expect(await screen.findByRole('heading', { level: 1, name: 'Users' })).toBeTruthy();
    expect(document.title).toBe('Users — MediQue admin');
    expect(screen.getByRole('button', { name: 'Sign out' })).toBeTruthy();
  });

  it('sends someone without a session to /login, and tells a doctor this page is not theirs', async () => {
    const signedOut = fakeServer({
      'POST /api/v1/auth/refresh': () => problem(401, 'UNAUTHENTICATED', 'No session'),
    });
    const view = renderAdmin('/admin/kiosks', signedOut);
    expect(await screen.findByText('login page')).toBeTruthy();
    expect(screen.getByTestId('location').textContent).toBe('/login?next=%2Fadmin%2Fkiosks');
    view.unmount();

    const doctor = fakeServer({}, { ...ADMIN, role: 'doctor' as 'admin', username: 'dr.a' });
    renderAdmin('/admin/departments', doctor);
    expect(
      await screen.findByRole('heading', { name: 'Your account cannot open this page.' }),
    ).toBeTruthy();
    expect(doctor.requests('GET', '/api/v1/admin/departments')).toHaveLength(0);
  });

  it('speaks French', async () => {
    await i18next.changeLanguage('fr');
    renderAdmin('/admin/departments', fakeServer(departmentsRoute(department(1))));
    const nav = await screen.findByRole('navigation', { name: 'Sections de l’administration' });
    expect(
      within(nav)
        .getAllByRole('link')
        .map((l) => l.textContent),
    ).toEqual(['Services', 'Utilisateurs', 'Bornes', 'Écrans', 'Journal d’audit', 'Rapports']);
    const form = screen.getByRole('form', { name: 'Nouveau service' });
    expect(within(form).getByLabelText('Code')).toBeTruthy();
    expect(within(form).getByLabelText('Nom')).toBeTruthy();
    expect(within(form).getByRole('button', { name: 'Créer' })).toBeTruthy();
  });

  it('an unknown admin address says so', async () => {
    renderAdmin('/admin/nowhere', fakeServer({}));
    expect(
      await screen.findByRole('heading', { name: 'This admin page does not exist' }),
    ).toBeTruthy();
  });
});
