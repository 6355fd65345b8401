import { readFile } from 'node:fs/promises';
import type { BrowserContext, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, checkIn, createKiosk, TEST_PASSWORD } from '../support/app.js';
import { browserSuite, expectAccessible, newDevice, screenshot, viewports } from './support/web.js';

/**
 * The admin console (`/admin`, docs/screens.md "Admin") in Chromium against a real server on
 * Postgres and Redis, driven only by docs/screens.md's names: the admin sets up a department with a
 * room, a doctor, a kiosk (paired from its link in a fresh context, then revoked), revokes
 * the doctor's session, reads the audit log and the day's report with its CSV; every
 * section passes axe, in English and in French. The tests run in order, one clinic.
 */
const suite = browserSuite();
let admin: { context: BrowserContext; page: Page; problems: string[] };
const others: BrowserContext[] = [];
const WAIT = { timeout: 10_000 };
const STEP = 90_000;
const desktop = { width: 1440, height: 900 };
const DOCTOR = { username: 'dr.mensah', password: 'Amber-Falcon-42!' };

const visible = (locator: Locator) => locator.waitFor({ state: 'visible', ...WAIT });
const hidden = (locator: Locator) => locator.waitFor({ state: 'hidden', ...WAIT });

const signIn = async (page: Page, username: string, password: string) => {
  await visible(page.getByLabel('Username'));
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
};

/** A screenshot of the top of the page, as an admin arriving on it sees it. */
const shot = async (page: Page, name: string) => {
  await page.evaluate('window.scrollTo(0, 0)');
  await screenshot(page, name);
};

const section = async (name: string, heading = name) => {
  await admin.page.getByRole('navigation').getByRole('link', { name, exact: true }).click();
  await visible(admin.page.getByRole('heading', { level: 1, name: heading, exact: true }));
};

const device = async (viewport: { width: number; height: number }) => {
  const d = await newDevice(suite.browser, viewport);
  others.push(d.context);
  return d;
};

/** The API as the admin, for what the test sets up around the browser (visits). */
const api = async <T>(method: 'GET' | 'POST', url: string, payload?: object): Promise<T> => {
  const res = await suite.web.t.app.inject({
    method,
    url,
    headers: bearer(await suite.web.t.adminToken()),
    ...(payload !== undefined && { payload }),
  });
  expect(res.statusCode, `${method} ${url}: ${res.body}`).toBeLessThan(300);
  return res.json<T>();
};

type VisitAnswer = { visit: { id: string; version: number } };

beforeAll(async () => {
  // The first admin (what `npm run admin:create` makes), with TEST_PASSWORD.
  await suite.web.t.adminToken();
  admin = await newDevice(suite.browser, desktop);
  await admin.context.grantPermissions(['clipboard-read', 'clipboard-write'], {
    origin: suite.web.base,
  });
  await admin.page.goto(`${suite.web.base}/admin`);
  await admin.page.waitForURL(/\/login\?next=%2Fadmin/, WAIT);
  await signIn(admin.page, 'admin', TEST_PASSWORD);
  await admin.page.waitForURL(/\/admin\/departments$/, WAIT);
}, STEP);

afterAll(async () => {
  for (const c of others) await c.close();
  await admin?.context.close();
});

describe('the admin console', () => {
  it(
    'sets up departments and a room (Code, Name, Create)',
    async () => {
      const { page } = admin;
      await visible(page.getByRole('heading', { level: 1, name: 'Departments' }));
      await expectAccessible(page, 'admin departments, empty');
      const form = page.getByRole('form', { name: 'New department' });
      for (const [code, name] of [
        ['CARD', 'Cardiology'],
        ['RAD', 'Radiology'],
      ] as const) {
        await form.getByLabel('Code').fill(code);
        await form.getByLabel('Name', { exact: true }).fill(name);
        await form.getByRole('button', { name: 'Create' }).click();
        await visible(page.getByRole('region', { name }));
      }
      const cardiology = page.getByRole('region', { name: 'Cardiology' });
      await cardiology.getByLabel('Name', { exact: true }).fill('Room 1');
      await cardiology.getByRole('button', { name: 'Create' }).click();
      await visible(cardiology.getByText('Room 1', { exact: true }));
      await expectAccessible(page, 'admin departments');
      await shot(page, 'admin-departments-en');

      // A code that breaks the rule is refused before it is sent.
      await form.getByLabel('Code').fill('X');
      await form.getByLabel('Name', { exact: true }).fill('Xray');
      await form.getByRole('button', { name: 'Create' }).click();
      await visible(form.getByRole('alert'));
      await expectAccessible(page, 'admin departments, a refused code');
      await form.getByLabel('Code').fill('');
      await form.getByLabel('Name', { exact: true }).fill('');
    },
    STEP,
  );

  it(
    'creates a doctor: the policy speaks up for a weak password, a strong one is created',
    async () => {
      const { page } = admin;
      await section('Users');
      const form = page.getByRole('form', { name: 'New user' });
      await form.getByLabel('Username').fill(DOCTOR.username);
      await form.getByLabel('Password', { exact: true }).fill('password1');
      await form.getByRole('button', { name: 'Create' }).click();
      const alert = form.getByRole('alert');
      await visible(alert);
      expect(await alert.textContent()).toContain('does not meet the policy');
      expect(await form.getByText('at least 12 characters').textContent()).toBeTruthy();

      await form.getByLabel('Password', { exact: true }).fill(DOCTOR.password);
      await form.getByLabel('Role').selectOption('doctor');
      await form.getByLabel('Departments').selectOption({ label: 'Cardiology' });
      await form.getByRole('button', { name: 'Create' }).click();
      const row = page.getByRole('row', { name: new RegExp(DOCTOR.username.replace('.', '\\.')) });
      await visible(row);
      expect(await row.textContent()).toContain('Cardiology');
      await expectAccessible(page, 'admin users');
      await shot(page, 'admin-users-en');
    },
    STEP,
  );

  it(
    'creates a kiosk: its pairing link opens a working kiosk in a fresh context; revoked, it returns to setup',
    async () => {
      const { page } = admin;
      await section('Kiosks');
      const form = page.getByRole('form', { name: 'New kiosk' });
      await form.getByLabel('Name', { exact: true }).fill('Main entrance');
      await form
        .getByLabel('Departments')
        .selectOption([{ label: 'Cardiology' }, { label: 'Radiology' }]);
      await form.getByRole('button', { name: 'Create' }).click();

      const panel = page.getByRole('region', { name: /Main entrance/ });
      await visible(panel);
      const link = panel.getByRole('link', { name: /\/kiosk#pair=mqk_/ });
      const href = (await link.getAttribute('href')) ?? '';
      expect(href).toMatch(new RegExp(`^${suite.web.base}/kiosk#pair=mqk_[A-Za-z0-9_-]+$`));
      expect(await link.textContent()).toBe(href);
      await visible(panel.getByRole('img', { name: 'Pairing QR code' }));
      await panel.getByRole('button', { name: 'Copy link' }).click();
      await visible(panel.getByText('Copied', { exact: true }));
      expect(await page.evaluate('navigator.clipboard.readText()')).toBe(href);
      await expectAccessible(page, 'admin kiosk created');
      await shot(page, 'admin-kiosk-created-en');

      // The kiosk: a new browser context, as a new device would be.
      const kiosk = await device(viewports.kioskLandscape);
      await kiosk.page.goto(href);
      await visible(kiosk.page.getByRole('button', { name: 'Cardiology' }));
      expect(kiosk.page.url()).toBe(`${suite.web.base}/kiosk`);

      // Shown once: gone after Done, and never written to the list.
      await panel.getByRole('button', { name: 'Done: hide the link' }).click();
      await hidden(panel);
      expect(await page.content()).not.toContain(href.split('#pair=')[1]);

      const row = page.getByRole('row', { name: /Main entrance/ });
      await row.getByRole('button', { name: 'Revoke' }).click();
      const dialog = page.getByRole('alertdialog');
      await visible(dialog);
      await expectAccessible(page, 'admin revoke dialog');
      await dialog.getByRole('button', { name: 'Revoke' }).click();
      await hidden(dialog);
      await visible(row.getByText('Revoked'));

      // The kiosk's next action meets the revoked token: back to its setup screen.
      await kiosk.page.reload();
      await visible(kiosk.page.getByLabel('Pairing code'));
      expect(kiosk.problems).toEqual([]);
    },
    STEP,
  );

  it(
    'revokes a doctor’s session: the doctor’s next action lands on /login',
    async () => {
      const doctor = await device(desktop);
      await doctor.page.goto(`${suite.web.base}/login`);
      await signIn(doctor.page, DOCTOR.username, DOCTOR.password);
      await doctor.page.waitForURL(/\/dashboard/, WAIT);
      await visible(doctor.page.getByRole('button', { name: 'Sign out' }));

      const { page } = admin;
      await section('Users');
      const row = page.getByRole('row', { name: /dr\.mensah/ });
      await row.getByRole('link', { name: 'Sessions' }).click();
      await visible(page.getByRole('heading', { level: 1, name: 'Sessions of dr.mensah' }));
      const session = page.getByRole('row', { name: /Chrome on Linux/ });
      await visible(session);
      await expectAccessible(page, 'admin user sessions');
      await session.getByRole('button', { name: 'Revoke' }).click();
      await page.getByRole('alertdialog').getByRole('button', { name: 'Revoke' }).click();
      await visible(page.getByText('dr.mensah is not signed in anywhere.'));

      await doctor.page.reload();
      await doctor.page.waitForURL(/\/login/, WAIT);
      await visible(doctor.page.getByRole('button', { name: 'Sign in' }));
      expect(doctor.problems).toEqual([]);
    },
    STEP,
  );

  it(
    'shows the day’s figures per department, and the downloaded CSV matches the JSON',
    async () => {
      const { departments } = await api<{
        departments: { id: string; name: string; rooms: { id: string }[] }[];
      }>('GET', '/api/v1/admin/departments');
      const cardiology = departments.find((d) => d.name === 'Cardiology');
      const roomId = cardiology?.rooms[0]?.id ?? '';
      const depId = cardiology?.id ?? '';
      const radiology = departments.find((d) => d.name === 'Radiology')?.id ?? '';
      const token = await createKiosk(suite.web.t, [depId, radiology]);
      for (let i = 0; i < 3; i += 1) await checkIn(suite.web.t, token, depId);
      // Radiology's morning: a second chart, and enough events for the audit log's pages.
      for (let i = 0; i < 12; i += 1) await checkIn(suite.web.t, token, radiology);
      const callNext = `/api/v1/departments/${depId}/call-next`;
      const first = (await api<VisitAnswer>('POST', callNext, { roomId })).visit;
      const started = (
        await api<VisitAnswer>('POST', `/api/v1/visits/${first.id}/start`, {
          version: first.version,
        })
      ).visit;
      await api('POST', `/api/v1/visits/${first.id}/complete`, { version: started.version });
      const second = (await api<VisitAnswer>('POST', callNext, { roomId })).visit;
      await api('POST', `/api/v1/visits/${second.id}/no-show`, { version: second.version });

      const { page } = admin;
      await section('Reports');
      const region = page.getByRole('region', { name: 'Cardiology' });
      await visible(region);
      const chart = region.getByRole('img');
      expect(await chart.getAttribute('aria-label')).toContain('3 visits, 1 completed, 1 no-shows');
      // Today is the range's last day: the body's last row.
      const body = region.getByRole('table').getByRole('rowgroup').nth(1);
      const cells = await body.getByRole('row').last().getByRole('cell').allTextContents();
      expect(cells.slice(0, 4)).toEqual(['3', '1', '1', '0']);
      await expectAccessible(page, 'admin reports');
      await shot(page, 'admin-reports-en');

      const downloading = page.waitForEvent('download');
      await page.getByRole('link', { name: 'Download CSV' }).click();
      const download = await downloading;
      const name = download.suggestedFilename();
      const [, from, to] =
        /^daily-report-(\d{4}-\d{2}-\d{2})-(\d{4}-\d{2}-\d{2})\.csv$/.exec(name) ?? [];
      expect(from).toBeDefined();
      const csv = await readFile((await download.path()) ?? '', 'utf8');
      const { days } = await api<{ days: Record<string, string | number | null>[] }>(
        'GET',
        `/api/v1/reports/daily?from=${from}&to=${to}`,
      );
      const [header, ...rows] = csv.trim().split(/\r?\n/);
      const columns = (header ?? '').split(',');
      expect(columns).toEqual(Object.keys(days[0] ?? {}));
      expect(rows.map((r) => r.split(','))).toEqual(
        days.map((d) => columns.map((c) => String(d[c] ?? ''))),
      );
      expect(days.some((d) => d.departmentId === depId && d.visits === 3)).toBe(true);
    },
    STEP,
  );

  it(
    'shows the audit log with filters, paging and each change’s before and after',
    async () => {
      const { page } = admin;
      await section('Audit log');
      const filters = page.getByRole('form', { name: 'Filter the log' });
      await filters.getByLabel('Action').selectOption('department.created');
      await filters.getByRole('button', { name: 'Apply filters' }).click();
      await page.waitForURL(/action=department\.created/, WAIT);
      const rows = page.getByRole('table', { name: 'Events' }).getByRole('row');
      await expect.poll(() => rows.count(), WAIT).toBe(3);
      const created = page.getByRole('row', { name: /Department Cardiology/ });
      await created.getByText('Before and after').click();
      await visible(created.getByRole('cell', { name: 'CARD', exact: true }));
      await expectAccessible(page, 'admin audit log');

      await filters.getByRole('button', { name: 'Clear filters' }).click();
      await page.waitForURL(/\/admin\/audit$/, WAIT);
      await visible(page.getByRole('button', { name: 'Next page' }));
      await page
        .getByRole('table', { name: 'Events' })
        .getByText('Before and after')
        .first()
        .click();
      await shot(page, 'admin-audit-en');
      await page.getByRole('button', { name: 'Next page' }).click();
      await visible(page.getByText('Page 2'));
    },
    STEP,
  );

  it(
    'creates a board with its language; every section passes axe',
    async () => {
      const { page } = admin;
      await section('Boards');
      const form = page.getByRole('form', { name: 'New board' });
      await form.getByLabel('Name', { exact: true }).fill('Waiting room');
      await form.getByLabel('Departments').selectOption({ label: 'Cardiology' });
      await form.getByLabel('Language', { exact: true }).selectOption('fr');
      await form.getByRole('button', { name: 'Create' }).click();
      const link = page.getByRole('region', { name: /Waiting room/ }).getByRole('link');
      await visible(link);
      expect(await link.getAttribute('href')).toMatch(
        new RegExp(`^${suite.web.base}/board/[0-9a-f-]{36}#pair=mqb_[A-Za-z0-9_-]+$`),
      );
      await expectAccessible(page, 'admin boards');
      for (const name of ['Departments', 'Users', 'Kiosks', 'Boards', 'Audit log', 'Reports']) {
        await section(name);
        await expectAccessible(page, `admin ${name}`);
      }
      expect(admin.problems).toEqual([]);
    },
    STEP,
  );

  it(
    'speaks French with ?lang=fr',
    async () => {
      const { page } = admin;
      const nav = page.getByRole('navigation', { name: 'Sections de l’administration' });
      const french = async (path: string, heading: string, name: string) => {
        await page.goto(`${suite.web.base}${path}?lang=fr`);
        await visible(page.getByRole('heading', { level: 1, name: heading, exact: true }));
        expect(await page.getAttribute('html', 'lang')).toBe('fr');
        await expectAccessible(page, `${name} (French)`);
        await shot(page, name);
      };
      await french('/admin/departments', 'Services', 'admin-departments-fr');
      expect(await nav.getByRole('link').allTextContents()).toEqual([
        'Services',
        'Utilisateurs',
        'Bornes',
        'Écrans',
        'Journal d’audit',
        'Rapports',
      ]);
      await french('/admin/users', 'Utilisateurs', 'admin-users-fr');
      await french('/admin/reports', 'Rapports', 'admin-reports-fr');
      await visible(page.getByRole('link', { name: 'Télécharger le CSV' }));
      await french('/admin/audit', 'Journal d’audit', 'admin-audit-fr');
      await page
        .getByRole('table', { name: 'Événements' })
        .getByText('Avant et après')
        .first()
        .click();
      await shot(page, 'admin-audit-fr');

      await french('/admin/kiosks', 'Bornes', 'admin-kiosk-created-fr');
      const form = page.getByRole('form', { name: 'Nouvelle borne' });
      await form.getByLabel('Nom', { exact: true }).fill('Accueil');
      await form.getByLabel('Services').selectOption({ label: 'Radiology' });
      await form.getByRole('button', { name: 'Créer' }).click();
      await visible(page.getByRole('button', { name: 'Copier le lien' }));
      await shot(page, 'admin-kiosk-created-fr');
      // Back to English for whoever uses this device next.
      await page.goto(`${suite.web.base}/admin?lang=en`);
      await visible(page.getByRole('heading', { level: 1, name: 'Departments' }));
      expect(admin.problems).toEqual([]);
    },
    STEP,
  );
});
