import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { department, fakeServer, json, noContent, problem, renderAdmin } from '../test-support';

const page1 = [department(1), department(2)];
const page2 = [department(3)];

const listing = (extra: Record<string, () => Response> = {}) =>
  fakeServer({
    'GET /api/v1/admin/departments': (_r, url) =>
      url.searchParams.get('cursor') === 'c2'
        ? json(200, { departments: page2, nextCursor: null })
        : json(200, { departments: page1, nextCursor: 'c2' }),
    ...extra,
  });

describe('Departments', () => {
  it('/admin opens Departments; the list pages with Next page and Previous page', async () => {
    const server = listing();
    renderAdmin('/admin', server);
    expect(await screen.findByRole('heading', { level: 1, name: 'Departments' })).toBeTruthy();
    expect(screen.getByTestId('location').textContent).toBe('/admin/departments');
    expect(await screen.findByRole('region', { name: 'Cardiology' })).toBeTruthy();
    expect(screen.queryByRole('region', { name: 'Paediatrics' })).toBeNull();

    await userEvent.click(screen.getByRole('button', { name: 'Next page' }));
    expect(await screen.findByRole('region', { name: 'Paediatrics' })).toBeTruthy();
    expect(screen.queryByRole('region', { name: 'Cardiology' })).toBeNull();
    expect(screen.getByText('Page 2')).toBeTruthy();
    expect(screen.getByRole<HTMLButtonElement>('button', { name: 'Next page' }).disabled).toBe(
      true,
    );
    const cursors = server
      .requests('GET', '/api/v1/admin/departments')
      .map((r) => r.url.searchParams.get('cursor'));
    expect(cursors).toContain('c2');

    await userEvent.click(screen.getByRole('button', { name: 'Previous page' }));
    expect(await screen.findByRole('region', { name: 'Cardiology' })).toBeTruthy();
  });

  it('checks the code before sending, and shows the server’s refusal plainly', async () => {
    const server = listing({
      'POST /api/v1/admin/departments': () =>
        problem(409, 'ALREADY_EXISTS', 'A department with this code already exists'),
    });
    renderAdmin('/admin/departments', server);
    const form = await screen.findByRole('form', { name: 'New department' });
    await userEvent.type(within(form).getByLabelText('Code'), 'c');
    await userEvent.type(within(form).getByLabelText('Name'), 'Cardiology');
    await userEvent.click(within(form).getByRole('button', { name: 'Create' }));
    expect(within(form).getByRole('alert').textContent).toContain('2 to 6 letters');
    expect(within(form).getByLabelText('Code').getAttribute('aria-invalid')).toBe('true');
    expect(server.requests('POST', '/api/v1/admin/departments')).toHaveLength(0);

    await userEvent.type(within(form).getByLabelText('Code'), 'ard');
    await userEvent.click(within(form).getByRole('button', { name: 'Create' }));
    const alert = await within(form).findByRole('alert');
    expect(alert.textContent).toContain('This already exists.');
    expect(alert.textContent).toContain('A department with this code already exists');
    expect(server.requests('POST', '/api/v1/admin/departments')[0]?.body).toEqual({
      code: 'CARD',
      name: 'Cardiology',
    });
  });

  it('creates a department, says so, and shows it in the list', async () => {
    let created = false;
    const fresh = department(4, { name: 'Neurology', code: 'NEUR' });
    const server = fakeServer({
      'GET /api/v1/admin/departments': () =>
        json(200, { departments: created ? [...page1, fresh] : page1, nextCursor: null }),
      'POST /api/v1/admin/departments': () => {
        created = true;
        return json(201, { department: fresh });
      },
    });
    renderAdmin('/admin/departments', server);
    const form = await screen.findByRole('form', { name: 'New department' });
    await userEvent.type(within(form).getByLabelText('Code'), 'neur');
    await userEvent.type(within(form).getByLabelText('Name'), 'Neurology');
    await userEvent.click(within(form).getByRole('button', { name: 'Create' }));
    expect(
      await screen.findByText('Department Neurology (NEUR) created. Add its rooms below.'),
    ).toBeTruthy();
    expect(await screen.findByRole('region', { name: 'Neurology' })).toBeTruthy();
    expect(within(form).getByLabelText<HTMLInputElement>('Code').value).toBe('');
  });

  it('adds a room inside the department’s region, and deactivates one after confirming', async () => {
    let rooms = [{ id: 'r1', name: 'Room 1', active: true }];
    const server = fakeServer({
      'GET /api/v1/admin/departments': () =>
        json(200, { departments: [department(1, { rooms }), department(2)], nextCursor: null }),
      'POST /api/v1/admin/departments/:id/rooms': () => {
        rooms = [...rooms, { id: 'r2', name: 'Room 2', active: true }];
        return json(201, { room: rooms[1] });
      },
      'DELETE /api/v1/admin/departments/:id/rooms/:roomId': () => {
        rooms = rooms.map((r) => (r.id === 'r1' ? { ...r, active: false } : r));
        return noContent();
      },
    });
    renderAdmin('/admin/departments', server);
    const cardiology = await screen.findByRole('region', { name: 'Cardiology' });
    const addRoom = within(cardiology).getByRole('form', { name: 'Add a room to Cardiology' });
    await userEvent.type(within(addRoom).getByLabelText('Name'), 'Room 2');
    await userEvent.click(within(addRoom).getByRole('button', { name: 'Create' }));
    expect(await within(cardiology).findByText('Room 2')).toBeTruthy();
    const posts = server.requests('POST', `/api/v1/admin/departments/${department(1).id}/rooms`);
    expect(posts.map((p) => p.body)).toEqual([{ name: 'Room 2' }]);

    const room1 = within(cardiology).getByText('Room 1').closest('li') as HTMLElement;
    await userEvent.click(within(room1).getByRole('button', { name: 'Deactivate' }));
    const dialog = screen.getByRole('alertdialog', { name: 'Deactivate “Room 1” in Cardiology?' });
    await userEvent.click(within(dialog).getByRole('button', { name: 'Deactivate' }));
    await waitFor(() => expect(screen.queryByRole('alertdialog')).toBeNull());
    expect(within(room1).getByText('Deactivated')).toBeTruthy();
    expect(screen.getByText('“Room 1” deactivated.')).toBeTruthy();
  });

  it('says when there are no departments, and when the list cannot be loaded', async () => {
    let fail = true;
    const server = fakeServer({
      'GET /api/v1/admin/departments': () =>
        fail
          ? problem(500, 'INTERNAL', 'Something went wrong')
          : json(200, { departments: [], nextCursor: null }),
    });
    renderAdmin('/admin/departments', server);
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('Something went wrong on the server');
    expect(alert.textContent).toContain('req-7');
    fail = false;
    await userEvent.click(screen.getByRole('button', { name: 'Try again' }));
    expect(await screen.findByText('No departments yet. Create the first one above.')).toBeTruthy();
  });
});
