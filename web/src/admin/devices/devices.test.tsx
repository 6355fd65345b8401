import { act, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  department,
  departmentsRoute,
  fakeServer,
  json,
  noContent,
  problem,
  renderAdmin,
} from '../test-support';

const TOKEN = 'mqk_abcdefghijklmnopqrstuvwxyz012345';
const kiosk = (n: number, overrides: Record<string, unknown> = {}) => ({
  id: `00000000-0000-4000-8000-0000000000k${n}`.replace('k', 'c'),
  name: `Kiosk ${n}`,
  active: true,
  departmentIds: [department(1).id],
  createdAt: '2026-11-23T08:00:00.000Z',
  ...overrides,
});

const clipboard = () => {
  const writeText = vi.fn<(text: string) => Promise<void>>().mockResolvedValue(undefined);
  Object.defineProperty(navigator, 'clipboard', { value: { writeText }, configurable: true });
  return writeText;
};

afterEach(() => vi.restoreAllMocks());

describe('Kiosks and boards', () => {
  it('creates a kiosk and shows its pairing link once: text, link, QR code, Copy link', async () => {
    const writeText = clipboard();
    const created = kiosk(9, { name: 'Main entrance', departmentIds: [department(2).id] });
    const server = fakeServer({
      ...departmentsRoute(department(1), department(2)),
      'GET /api/v1/admin/kiosks': () => json(200, { kiosks: [], nextCursor: null }),
      'POST /api/v1/admin/kiosks': () => json(201, { kiosk: created, token: TOKEN }),
    });
    renderAdmin('/admin/kiosks', server);
    expect(await screen.findByText('No kiosks yet.')).toBeTruthy();
    const form = screen.getByRole('form', { name: 'New kiosk' });
    await userEvent.click(within(form).getByRole('button', { name: 'Create' }));
    expect(
      within(form)
        .getAllByRole('alert')
        .map((a) => a.textContent),
    ).toEqual(['Fill this in.', 'Choose at least one department.']);
    await userEvent.type(within(form).getByLabelText('Name'), 'Main entrance');
    await userEvent.selectOptions(within(form).getByLabelText('Departments'), 'Radiology');
    await userEvent.click(within(form).getByRole('button', { name: 'Create' }));

    const panel = await screen.findByRole('region', {
      name: 'Kiosk “Main entrance” created: pair it now',
    });
    const link = `http://localhost:3000/kiosk#pair=${TOKEN}`;
    expect(server.requests('POST', '/api/v1/admin/kiosks')[0]?.body).toEqual({
      name: 'Main entrance',
      departmentIds: [department(2).id],
    });
    expect(within(panel).getByRole('link', { name: link }).getAttribute('href')).toBe(link);
    expect(within(panel).getByRole('img', { name: 'Pairing QR code' })).toBeTruthy();
    expect(within(panel).getByText(/shown only once/)).toBeTruthy();
    expect(document.activeElement).toBe(within(panel).getByRole('heading', { level: 2 }));

    await userEvent.click(within(panel).getByRole('button', { name: 'Copy link' }));
    expect(writeText).toHaveBeenCalledWith(link);
    expect(within(panel).getByRole('status').textContent).toBe('Copied');

    // Once: after Done the token is gone from the page for good.
    await userEvent.click(within(panel).getByRole('button', { name: 'Done: hide the link' }));
    expect(screen.queryByText(link)).toBeNull();
    expect(document.body.innerHTML).not.toContain(TOKEN);
    expect(screen.getByRole('form', { name: 'New kiosk' })).toBeTruthy();
  });

  it('a board’s link carries its id, and the board is created with its language', async () => {
    clipboard();
    const board = { ...kiosk(1, { name: 'Waiting room' }), language: 'fr' };
    const server = fakeServer({
      ...departmentsRoute(department(1)),
      'GET /api/v1/admin/boards': () => json(200, { boards: [], nextCursor: null }),
      'POST /api/v1/admin/boards': () => json(201, { board, token: 'mqb_0123456789abcdefghij' }),
    });
    renderAdmin('/admin/boards', server);
    const form = await screen.findByRole('form', { name: 'New board' });
    await userEvent.type(within(form).getByLabelText('Name'), 'Waiting room');
    // One active department: chosen already.
    await waitFor(() =>
      expect(
        within(form).getByLabelText<HTMLSelectElement>('Departments').selectedOptions[0]?.text,
      ).toBe('Cardiology'),
    );
    await userEvent.selectOptions(within(form).getByLabelText('Language'), 'fr');
    await userEvent.click(within(form).getByRole('button', { name: 'Create' }));
    const link = `http://localhost:3000/board/${board.id}#pair=mqb_0123456789abcdefghij`;
    expect(await screen.findByRole('link', { name: link })).toBeTruthy();
    expect(server.requests('POST', '/api/v1/admin/boards')[0]?.body).toEqual({
      name: 'Waiting room',
      departmentIds: [department(1).id],
      language: 'fr',
    });
  });

  it('says so when copying fails, so the admin copies by hand', async () => {
    Object.defineProperty(navigator, 'clipboard', {
      value: { writeText: () => Promise.reject(new Error('denied')) },
      configurable: true,
    });
    const server = fakeServer({
      ...departmentsRoute(department(1)),
      'GET /api/v1/admin/kiosks': () => json(200, { kiosks: [], nextCursor: null }),
      'POST /api/v1/admin/kiosks': () => json(201, { kiosk: kiosk(1), token: TOKEN }),
    });
    renderAdmin('/admin/kiosks', server);
    const form = await screen.findByRole('form', { name: 'New kiosk' });
    await userEvent.type(within(form).getByLabelText('Name'), 'Kiosk 1');
    await waitFor(() =>
      expect(within(form).getByRole('option', { name: 'Cardiology', selected: true })).toBeTruthy(),
    );
    await userEvent.click(within(form).getByRole('button', { name: 'Create' }));
    await userEvent.click(await screen.findByRole('button', { name: 'Copy link' }));
    expect((await screen.findByRole('alert')).textContent).toContain(
      'Select it and copy it by hand',
    );
  });

  it('Revoke asks first: Escape cancels and focus returns; confirming revokes the row', async () => {
    let revoked = false;
    const server = fakeServer({
      ...departmentsRoute(department(1)),
      'GET /api/v1/admin/kiosks': () =>
        json(200, { kiosks: [kiosk(1, { active: !revoked }), kiosk(2)], nextCursor: null }),
      'DELETE /api/v1/admin/kiosks/:id': () => {
        revoked = true;
        return noContent();
      },
    });
    renderAdmin('/admin/kiosks', server);
    const row = (await screen.findByRole('rowheader', { name: 'Kiosk 1' })).closest(
      'tr',
    ) as HTMLElement;
    const revoke = within(row).getByRole('button', { name: 'Revoke' });
    await userEvent.click(revoke);
    let dialog = screen.getByRole('alertdialog', { name: 'Revoke the kiosk “Kiosk 1”?' });
    expect(dialog.getAttribute('aria-modal')).toBe('true');
    expect(document.activeElement).toBe(within(dialog).getByRole('button', { name: 'Cancel' }));
    // Tab stays inside the dialog.
    await userEvent.tab();
    expect(document.activeElement).toBe(within(dialog).getByRole('button', { name: 'Revoke' }));
    await userEvent.tab();
    expect(document.activeElement).toBe(within(dialog).getByRole('button', { name: 'Cancel' }));
    await userEvent.keyboard('{Escape}');
    expect(screen.queryByRole('alertdialog')).toBeNull();
    await act(() => new Promise((r) => setTimeout(r, 10)));
    expect(document.activeElement).toBe(revoke);
    expect(server.requests('DELETE', `/api/v1/admin/kiosks/${kiosk(1).id}`)).toHaveLength(0);

    await userEvent.click(revoke);
    dialog = screen.getByRole('alertdialog');
    await userEvent.click(within(dialog).getByRole('button', { name: 'Revoke' }));
    await waitFor(() => expect(screen.queryByRole('alertdialog')).toBeNull());
    expect(server.requests('DELETE', `/api/v1/admin/kiosks/${kiosk(1).id}`)).toHaveLength(1);
    expect(within(row).getByText('Revoked')).toBeTruthy();
    expect(within(row).queryByRole('button', { name: 'Revoke' })).toBeNull();
    expect(screen.getByText('Kiosk “Kiosk 1” revoked.')).toBeTruthy();
  });

  it('a failed revoke stays in the dialog, said plainly', async () => {
    const server = fakeServer({
      ...departmentsRoute(department(1)),
      'GET /api/v1/admin/boards': () =>
        json(200, { boards: [{ ...kiosk(1, { name: 'TV' }), language: null }], nextCursor: null }),
      'DELETE /api/v1/admin/boards/:id': () => problem(404, 'NOT_FOUND', 'Board not found'),
    });
    renderAdmin('/admin/boards', server);
    const row = (await screen.findByRole('rowheader', { name: 'TV' })).closest('tr') as HTMLElement;
    expect(within(row).getByText('Not set')).toBeTruthy();
    await userEvent.click(within(row).getByRole('button', { name: 'Revoke' }));
    const dialog = screen.getByRole('alertdialog');
    await userEvent.click(within(dialog).getByRole('button', { name: 'Revoke' }));
    expect((await within(dialog).findByRole('alert')).textContent).toContain(
      'This no longer exists',
    );
  });

  it('pages the list of kiosks with Next page', async () => {
    const server = fakeServer({
      ...departmentsRoute(department(1)),
      'GET /api/v1/admin/kiosks': (_r, url) =>
        url.searchParams.get('cursor') === null
          ? json(200, { kiosks: [kiosk(1)], nextCursor: 'next-1' })
          : json(200, { kiosks: [kiosk(2)], nextCursor: null }),
    });
    renderAdmin('/admin/kiosks', server);
    expect(await screen.findByRole('rowheader', { name: 'Kiosk 1' })).toBeTruthy();
    expect(screen.getByRole('cell', { name: 'Cardiology' })).toBeTruthy();
    await userEvent.click(screen.getByRole('button', { name: 'Next page' }));
    expect(await screen.findByRole('rowheader', { name: 'Kiosk 2' })).toBeTruthy();
    expect(screen.queryByRole('rowheader', { name: 'Kiosk 1' })).toBeNull();
    expect(
      server.requests('GET', '/api/v1/admin/kiosks').at(-1)?.url.searchParams.get('cursor'),
    ).toBe('next-1');
  });
});
