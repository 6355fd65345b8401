import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import {
  checkIn,
  createDepartment,
  createKiosk,
  TEST_PASSWORD,
  type VisitBody,
} from '../support/app.js';
import { browserSuite, expectAccessible, screenshot } from './support/web.js';

/**
 * Staff screens end to end (issue 9): sign-in, the doctor's live dashboard, reception's
 * check-in, a conflict between two doctors, the idle sign-out. Each person has their own
 * browser context; only docs/screens.md's accessible names are used.
 */
const suite = browserSuite();
const WAIT = { timeout: 8_000 };
const DESKTOP = { width: 1440, height: 900 };

/** A person at their own computer, signed in through /login. */
const signIn = async (username: string, options: { lang?: 'fr' } = {}) => {
  const device = await suite.device(DESKTOP);
  const { page } = device;
  await page.goto(`${suite.web.base}/login${options.lang === 'fr' ? '?lang=fr' : ''}`);
  const fr = options.lang === 'fr';
  await page.getByLabel(fr ? 'Nom d’utilisateur' : 'Username').fill(username);
  await page.getByLabel(fr ? 'Mot de passe' : 'Password').fill(TEST_PASSWORD);
  await page.getByRole('button', { name: fr ? 'Se connecter' : 'Sign in' }).click();
  await page.waitForURL(/\/(dashboard|admin)/, WAIT);
  return device;
};

/** Department and room chosen with the two selects. */
const pick = async (page: Page, department: string, room: string) => {
  await page.getByLabel('Department').selectOption({ label: department });
  await page.getByLabel('Room').selectOption({ label: room });
};

const row = (page: Page, ticket: string) => page.getByRole('listitem', { name: ticket });
const section = (page: Page, name: string) =>
  page.getByRole('region', { name: new RegExp(`^${name}`) });
const ticketsIn = (page: Page, name: string) =>
  section(page, name)
    .getByRole('listitem')
    // Runs in the page: typed here without the DOM library (the server's tsconfig has none).
    .evaluateAll((items: { getAttribute(name: string): string | null }[]) =>
      items.map((i) => i.getAttribute('aria-label')),
    );

const setup = async (code: string) => {
  const dep = await createDepartment(suite.web.t, code, { rooms: ['Room 1', 'Room 2'] });
  const kiosk = await createKiosk(suite.web.t, [dep.id]);
  const doctor = `doc-${code.toLowerCase()}`;
  await suite.web.t.tokenFor({ username: doctor, role: 'doctor', departmentIds: [dep.id] });
  return { dep, kiosk, doctor, name: `Department ${code}` };
};

describe('the doctor’s dashboard', () => {
  it('calls next, starts and completes; every open dashboard follows live', async () => {
    const { dep, kiosk, doctor, name } = await setup('DASH');
    const second = 'doc-dash-2';
    await suite.web.t.tokenFor({ username: second, role: 'doctor', departmentIds: [dep.id] });
    const patients: VisitBody[] = [];
    for (const displayName of ['Kofi A.', 'Ama B.', 'Yaw C.']) {
      patients.push(await checkIn(suite.web.t, kiosk, dep.id, { displayName }));
    }
    const a = await signIn(doctor);
    const b = await signIn(second);
    await pick(a.page, name, 'Room 1');
    await pick(b.page, name, 'Room 2');
    await expect
      .poll(() => ticketsIn(a.page, 'Waiting'), WAIT)
      .toEqual(patients.map((p) => p.ticket));
    await expectAccessible(a.page, 'dashboard');
    await screenshot(a.page, 'dashboard-en');

    await a.page.getByRole('button', { name: 'Call next' }).click();
    const first = patients[0]?.ticket as string;
    await expect.poll(() => ticketsIn(b.page, 'Called'), WAIT).toEqual([first]);
    await row(a.page, first).getByRole('button', { name: 'Start' }).click();
    await expect.poll(() => ticketsIn(b.page, 'In consultation'), WAIT).toEqual([first]);
    await row(a.page, first).getByRole('button', { name: 'Complete' }).click();
    await expect.poll(() => ticketsIn(b.page, 'In consultation'), WAIT).toEqual([]);
    await expect.poll(() => ticketsIn(b.page, 'Waiting'), WAIT).toHaveLength(2);
    // A doctor cannot cancel or requeue: those buttons are not offered.
    const next = patients[1]?.ticket as string;
    expect(await row(a.page, next).getByRole('button', { name: 'Cancel' }).count()).toBe(0);
    expect(a.problems).toEqual([]);
  });

  it('an emergency checked in by reception appears first on the doctor’s dashboard, without a reload', async () => {
    const { dep, kiosk, doctor, name } = await setup('EMRG');
    await checkIn(suite.web.t, kiosk, dep.id);
    await checkIn(suite.web.t, kiosk, dep.id);
    await suite.web.t.tokenFor({
      username: 'rec-emrg',
      role: 'reception',
      departmentIds: [dep.id],
    });
    const doc = await signIn(doctor);
    await pick(doc.page, name, 'Room 1');
    await expect.poll(() => ticketsIn(doc.page, 'Waiting'), WAIT).toHaveLength(2);

    const rec = await signIn('rec-emrg');
    await pick(rec.page, name, 'Room 2');
    const form = rec.page.getByRole('region', { name: 'Check in patient' });
    await form.getByLabel('Patient name').fill('Efua Mensah');
    await form.getByLabel('Phone').fill('+233 20 123 4567');
    await form.getByLabel('Priority').selectOption({ label: 'Emergency' });
    await expectAccessible(rec.page, 'dashboard, reception');
    await screenshot(rec.page, 'dashboard-reception-en');
    await form.getByRole('button', { name: 'Check in' }).click();
    await expect.poll(() => form.getByRole('status').textContent(), WAIT).toContain('Efua Mensah');

    await expect.poll(async () => (await ticketsIn(doc.page, 'Waiting'))[0], WAIT).toBe(`EMRG-003`);
    await expect.poll(() => row(doc.page, 'EMRG-003').textContent(), WAIT).toContain('Emergency');
  });

  it('two doctors act on the same visit: the second sees "changed by someone else" and the refreshed visit', async () => {
    const { dep, kiosk, doctor, name } = await setup('CONF');
    await suite.web.t.tokenFor({ username: 'doc-conf-2', role: 'doctor', departmentIds: [dep.id] });
    const visit = await checkIn(suite.web.t, kiosk, dep.id);
    const a = await signIn(doctor);
    const b = await signIn('doc-conf-2');
    await pick(a.page, name, 'Room 1');
    await pick(b.page, name, 'Room 2');
    await expect.poll(() => ticketsIn(b.page, 'Waiting'), WAIT).toEqual([visit.ticket]);

    // B's screen still shows version 1 when A calls the patient: B's stream is held back.
    await b.context.route('**/api/v1/departments/*/events*', (route) => route.abort());
    await b.page.evaluate("window.dispatchEvent(new Event('offline'))");
    await row(a.page, visit.ticket).getByRole('button', { name: 'Call' }).click();
    await expect.poll(() => ticketsIn(a.page, 'Called'), WAIT).toEqual([visit.ticket]);

    await row(b.page, visit.ticket).getByRole('button', { name: 'Call' }).click();
    const alert = b.page.getByRole('alert');
    await expect.poll(() => alert.textContent(), WAIT).toContain('changed by someone else');
    await expect.poll(() => ticketsIn(b.page, 'Called'), WAIT).toEqual([visit.ticket]);
    await screenshot(b.page, 'dashboard-conflict-en');
  });

  it('speaks French with ?lang=fr', async () => {
    const { doctor, name } = await setup('FRDA');
    const { page } = await signIn(doctor, { lang: 'fr' });
    await page.getByLabel('Service').selectOption({ label: name });
    await expect
      .poll(() => page.getByRole('button', { name: 'Appeler le suivant' }).count(), WAIT)
      .toBe(1);
    expect(await page.getAttribute('html', 'lang')).toBe('fr');
    await expectAccessible(page, 'dashboard, French');
    await screenshot(page, 'dashboard-fr');
  });
});

describe('sign-in', () => {
  it('refuses a wrong password in an alert, and is accessible in both languages', async () => {
    await suite.web.t.tokenFor({ username: 'login-user', role: 'doctor' });
    const device = await suite.device(DESKTOP);
    const { page } = device;
    await page.goto(`${suite.web.base}/dashboard`);
    await page.waitForURL(/\/login\?next=%2Fdashboard/, WAIT);
    await page.getByLabel('Username').fill('login-user');
    await page.getByLabel('Password').fill('Wrong-password-1!');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect
      .poll(() => page.getByRole('alert').textContent(), WAIT)
      .toContain('Wrong username or password');
    await expectAccessible(page, 'login');
    await screenshot(page, 'login-en');
    await page.goto(`${suite.web.base}/login?lang=fr`);
    await expect
      .poll(() => page.getByRole('button', { name: 'Se connecter' }).count(), WAIT)
      .toBe(1);
    await screenshot(page, 'login-fr');
  });

  it('signs out after 15 minutes without input, warning at 14; the refresh cookie then no longer works', async () => {
    const { doctor } = await setup('IDLE');
    const device = await suite.device(DESKTOP);
    const { page, context } = device;
    await page.clock.install();
    await page.goto(`${suite.web.base}/login`);
    await page.getByLabel('Username').fill(doctor);
    await page.getByLabel('Password').fill(TEST_PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(/\/dashboard/, WAIT);
    const cookies = await context.cookies();
    const cookie = (name: string) => cookies.find((c) => c.name === name)?.value ?? '';
    expect(cookie('mq_refresh')).not.toBe('');

    await page.clock.fastForward('13:59');
    expect(await page.getByRole('alertdialog').count()).toBe(0);
    await page.clock.fastForward('00:02');
    await expect
      .poll(() => page.getByRole('alertdialog').textContent(), WAIT)
      .toContain('one minute');
    await screenshot(page, 'dashboard-idle-warning-en');
    await page.clock.fastForward('01:00');
    await page.waitForURL(/\/login\?reason=idle/, WAIT);
    await expect.poll(() => page.getByRole('status').textContent(), WAIT).toContain('15 minutes');

    // The refresh cookie from before is dead on the server too (with a valid CSRF pair).
    const replay = await suite.web.t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/refresh',
      cookies: {
        mq_refresh: cookie('mq_refresh'),
        mq_csrf: cookie('mq_csrf'),
        mq_csrf_secret: cookie('mq_csrf_secret'),
      },
      headers: { 'x-csrf-token': cookie('mq_csrf') },
    });
    expect(replay.statusCode).toBe(401);
  });
});
