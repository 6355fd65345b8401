import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import {
  ADMIN,
  department,
  departmentsRoute,
  fakeServer,
  json,
  renderAdmin,
} from '../test-support';
import { fromLocalInput } from './audit-filters';

const VISIT = '00000000-0000-4000-8000-0000000000f1';
const event = (n: number, overrides: Record<string, unknown> = {}) => ({
  id: String(n),
  at: '2026-11-23T09:15:00.000Z',
  actor: { type: 'staff', id: ADMIN.id },
  action: 'department.updated',
  entity: 'department',
  entityId: department(1).id,
  before: { name: 'Cardio', active: true },
  after: { name: 'Cardiology', active: true },
  ip: '10.0.0.9',
  requestId: `req-${n}`,
  ...overrides,
});

const audit = (answer: (url: URL) => unknown) =>
  fakeServer({
    ...departmentsRoute(department(1)),
    'GET /api/v1/admin/users': () => json(200, { users: [ADMIN], nextCursor: null }),
    'GET /api/v1/admin/audit': (_r, url) => json(200, answer(url)),
  });

/** The table row showing `text` (the Action filter's options carry the same words). */
const eventRow = (text: string): Promise<HTMLElement> =>
  waitFor(() => {
    const found = screen.getAllByText(text).find((el) => el.closest('tbody') !== null);
    if (found === undefined) throw new Error(`no event row shows ${text}`);
    return found.closest('tr') as HTMLElement;
  });

describe('Audit log', () => {
  it('shows who did what, and each change’s before and after side by side', async () => {
    const server = audit(() => ({ events: [event(1)], nextCursor: null }));
    renderAdmin('/admin/audit', server);
    const row = await eventRow('Department changed');
    expect(await within(row).findByRole('cell', { name: 'admin' })).toBeTruthy();
    expect(within(row).getByText('Department Cardiology')).toBeTruthy();
    const details = within(row).getByText('Before and after').closest('details') as HTMLElement;
    const name = within(details)
      .getByRole('rowheader', { name: /name/ })
      .closest('tr') as HTMLElement;
    expect(
      within(name)
        .getAllByRole('cell')
        .map((c) => c.textContent),
    ).toEqual(['Cardio', 'Cardiology']);
    expect(within(name).getByRole('rowheader').textContent).toContain('(changed)');
    const active = within(details).getByRole('rowheader', { name: 'active' });
    expect(active.textContent).not.toContain('(changed)');
    expect(within(details).getByText(/IP address 10\.0\.0\.9/)).toBeTruthy();
  });

  it('sends the filters (time range, actor, action, visit) and pages with Next page', async () => {
    const server = audit((url) =>
      url.searchParams.get('cursor') === 'older'
        ? {
            events: [
              event(1, {
                action: 'visit.called',
                entity: 'visit',
                entityId: VISIT,
                before: null,
                after: { ticket: 'CARD-001', state: 'CALLED' },
              }),
            ],
            nextCursor: null,
          }
        : { events: [event(2)], nextCursor: 'older' },
    );
    renderAdmin('/admin/audit', server);
    const form = await screen.findByRole('form', { name: 'Filter the log' });
    fireEvent.change(within(form).getByLabelText('From'), {
      target: { value: '2026-11-23T08:00' },
    });
    fireEvent.change(within(form).getByLabelText('To'), { target: { value: '2026-11-23T18:00' } });
    await within(form).findByRole('option', { name: 'admin' });
    await userEvent.selectOptions(within(form).getByLabelText('Actor'), 'admin');
    await userEvent.selectOptions(within(form).getByLabelText('Action'), 'Called');
    await userEvent.type(within(form).getByLabelText('Visit'), VISIT);
    await userEvent.click(within(form).getByRole('button', { name: 'Apply filters' }));

    expect(await eventRow('Department changed')).toBeTruthy();
    const query = server.requests('GET', '/api/v1/admin/audit').at(-1)?.url.searchParams;
    expect(Object.fromEntries(query ?? [])).toEqual({
      from: fromLocalInput('2026-11-23T08:00'),
      to: fromLocalInput('2026-11-23T18:00'),
      actorId: ADMIN.id,
      action: 'visit.called',
      visitId: VISIT,
      limit: '25',
    });
    expect(screen.getByTestId('location').textContent).toContain('action=visit.called');

    await userEvent.click(screen.getByRole('button', { name: 'Next page' }));
    const called = await eventRow('Called');
    expect(within(called).getByText('Visit CARD-001')).toBeTruthy();
    expect(within(called).getAllByText('(nothing)')).toHaveLength(2);
    // Nothing before: every field is new, none is marked as changed.
    expect(within(called).queryByText('(changed)')).toBeNull();
    expect(
      server.requests('GET', '/api/v1/admin/audit').at(-1)?.url.searchParams.get('cursor'),
    ).toBe('older');
  });

  it('refuses a visit filter that is not an id, and says when nothing matches', async () => {
    const server = audit(() => ({ events: [], nextCursor: null }));
    renderAdmin('/admin/audit?action=user.created', server);
    expect(await screen.findByText('No event matches these filters.')).toBeTruthy();
    const form = screen.getByRole('form', { name: 'Filter the log' });
    expect(within(form).getByLabelText<HTMLSelectElement>('Action').value).toBe('user.created');
    const before = server.requests('GET', '/api/v1/admin/audit').length;
    await userEvent.type(within(form).getByLabelText('Visit'), 'CARD-012');
    await userEvent.click(within(form).getByRole('button', { name: 'Apply filters' }));
    expect(within(form).getByRole('alert').textContent).toContain('not a visit id');
    expect(server.requests('GET', '/api/v1/admin/audit')).toHaveLength(before);

    await userEvent.click(within(form).getByRole('button', { name: 'Clear filters' }));
    expect(await screen.findByText('Nothing has been recorded yet.')).toBeTruthy();
    expect(screen.getByTestId('location').textContent).toBe('/admin/audit');
  });
});
