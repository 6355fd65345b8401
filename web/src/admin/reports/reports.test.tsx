import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import {
  department,
  departmentsRoute,
  fakeServer,
  json,
  problem,
  renderAdmin,
} from '../test-support';
import { defaultRange } from './report-days';

const day = (
  d: string,
  departmentId: string,
  visits: number,
  overrides: Record<string, unknown> = {},
) => ({
  day: d,
  departmentId,
  visits,
  completed: visits - 2,
  noShows: 1,
  cancelled: 1,
  medianWaitMinutes: 12.5,
  p90WaitMinutes: 31,
  medianServiceMinutes: 9,
  ...overrides,
});

const CSV = 'day,departmentId,visits\r\n2026-11-22,x,10\r\n';

const reporting = (days: unknown[]) =>
  fakeServer({
    ...departmentsRoute(department(1), department(2)),
    'GET /api/v1/reports/daily': (request) =>
      request.headers.get('accept') === 'text/csv'
        ? new Response(CSV, { status: 200, headers: { 'content-type': 'text/csv; charset=utf-8' } })
        : json(200, { days }),
  });

describe('Reports', () => {
  it('draws a chart per department and gives its figures as a table', async () => {
    const cardio = department(1).id;
    const radio = department(2).id;
    const server = reporting([
      day('2026-11-22', cardio, 10),
      day('2026-11-23', cardio, 14, { medianServiceMinutes: null }),
      day('2026-11-23', radio, 4),
    ]);
    renderAdmin('/admin/reports?from=2026-11-17&to=2026-11-23', server);
    const cardiology = await screen.findByRole('region', { name: 'Cardiology' });
    const chart = within(cardiology).getByRole('img');
    expect(chart.tagName).toBe('CANVAS');
    expect(chart.getAttribute('aria-label')).toBe(
      'Cardiology, Tue, Nov 17 to Mon, Nov 23: 24 visits, 20 completed, 2 no-shows, 2 cancelled.',
    );
    const table = within(cardiology).getByRole('table', {
      name: 'Figures for Cardiology, day by day',
    });
    const rows = within(table)
      .getAllByRole('row')
      .map((r) =>
        within(r)
          .queryAllByRole('cell')
          .map((c) => c.textContent),
      );
    expect(rows[1]).toEqual(['10', '8', '1', '1', '12.5', '31', '9']);
    expect(rows[2]).toEqual(['14', '12', '1', '1', '12.5', '31', 'not known']);
    expect(rows[3]).toEqual(['24', '20', '2', '2', '']);
    expect(screen.getByRole('region', { name: 'Radiology' })).toBeTruthy();
    const query = server.requests('GET', '/api/v1/reports/daily')[0]?.url.searchParams;
    expect(query?.get('from')).toBe('2026-11-17');
    expect(query?.get('to')).toBe('2026-11-23');
  });

  it('offers Download CSV: the same query with Accept: text/csv, as a file link', async () => {
    const server = reporting([day('2026-11-22', department(1).id, 10)]);
    renderAdmin(
      `/admin/reports?from=2026-11-20&to=2026-11-22&departmentId=${department(1).id}`,
      server,
    );
    const link = await screen.findByRole('link', { name: 'Download CSV' });
    expect(link.getAttribute('href')).toMatch(/^blob:/);
    expect(link.getAttribute('download')).toBe('daily-report-CARD-2026-11-20-2026-11-22.csv');
    const csv = server
      .requests('GET', '/api/v1/reports/daily')
      .find((r) => r.headers.get('accept') === 'text/csv');
    expect(Object.fromEntries(csv?.url.searchParams ?? [])).toEqual({
      from: '2026-11-20',
      to: '2026-11-22',
      departmentId: department(1).id,
    });
    expect(csv?.headers.get('authorization')).toBe('Bearer token-1');
  });

  it('opens on the last 7 days, changes them from the form, and says when there were no visits', async () => {
    const range = defaultRange();
    const server = reporting([
      day(range.to, department(1).id, 0, { completed: 0, noShows: 0, cancelled: 0 }),
    ]);
    renderAdmin('/admin/reports', server);
    expect(await screen.findByText(/^No visits between/)).toBeTruthy();
    expect(screen.queryByRole('region', { name: 'Cardiology' })).toBeNull();
    expect(server.requests('GET', '/api/v1/reports/daily')[0]?.url.searchParams.get('from')).toBe(
      range.from,
    );
    const form = screen.getByRole('form', { name: 'Choose the days' });
    await userEvent.clear(within(form).getByLabelText('From'));
    await userEvent.type(within(form).getByLabelText('From'), '2026-11-01');
    await userEvent.selectOptions(within(form).getByLabelText('Department'), 'Radiology');
    await userEvent.click(within(form).getByRole('button', { name: 'Show report' }));
    await waitFor(() =>
      expect(
        server
          .requests('GET', '/api/v1/reports/daily')
          .at(-1)
          ?.url.searchParams.get('departmentId'),
      ).toBe(department(2).id),
    );
    expect(screen.getByTestId('location').textContent).toContain('from=2026-11-01');
  });

  it('shows a refusal plainly', async () => {
    const server = fakeServer({
      ...departmentsRoute(department(1)),
      'GET /api/v1/reports/daily': () =>
        problem(400, 'VALIDATION_FAILED', 'to must be at most 366 days from "from"', {
          errors: [{ path: 'to', message: 'must be at most 366 days from "from"' }],
        }),
    });
    renderAdmin('/admin/reports?from=2024-01-01&to=2026-01-01', server);
    expect((await screen.findByRole('alert')).textContent).toContain(
      'to: must be at most 366 days',
    );
    expect(screen.queryByRole('link', { name: 'Download CSV' })).toBeNull();
  });
});
