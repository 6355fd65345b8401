import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { createKiosk } from '../support/app.js';
import {
  createNamedDepartment,
  readQrCode,
  recordPrints,
  revokeKiosk,
  visitsOf,
} from './support/kiosk.js';
import { browserSuite, expectAccessible, screenshot, viewports } from './support/web.js';

/**
 * The check-in kiosk (`/kiosk`, docs/screens.md) in Chromium against a real server on Postgres and
 * Redis, driven only by docs/screens.md's accessible names: pairing from the link, a check-in whose
 * QR code opens that visit's ticket page, a lost request retried into exactly one visit,
 * French, paper tickets, revocation; axe on every screen; screenshots for the README.
 */
const suite = browserSuite();
const WAIT = { timeout: 8_000 };

const kiosk = async (
  viewport: { width: number; height: number } = viewports.kioskPortrait,
  lang?: 'fr',
) => {
  const device = await suite.device(viewport, lang ? { locale: 'fr-FR' } : {});
  return device;
};

/** Two departments, as most kiosks have; codes are unique per test. */
const departments = async (suffix: string) => ({
  cardiology: await createNamedDepartment(suite.web.t, `CA${suffix}`, 'Cardiology'),
  general: await createNamedDepartment(suite.web.t, `GP${suffix}`, 'General practice'),
});

const ticketHeading = (page: Page) => page.getByRole('heading', { level: 1 });
const visible = (page: Page, role: 'button' | 'alert', name?: string) =>
  page.getByRole(role, name === undefined ? {} : { name, exact: true }).waitFor(WAIT);

describe('the kiosk', () => {
  it('pairs from its link; a check-in shows the ticket and a QR code of its own page', async () => {
    const deps = await departments('A');
    const token = await createKiosk(suite.web.t, [deps.cardiology.id, deps.general.id]);
    const { page, problems } = await kiosk();

    await page.goto(`${suite.web.base}/kiosk#pair=${token}`);
    await visible(page, 'button', 'Cardiology');
    expect(page.url()).toBe(`${suite.web.base}/kiosk`); // the token left the address bar
    await visible(page, 'button', 'General practice');
    await expectAccessible(page, 'kiosk start');
    await screenshot(page, 'kiosk-start-en');

    await page.getByRole('button', { name: 'Cardiology', exact: true }).click();
    await page.getByLabel('Your name (optional)', { exact: true }).fill('Ama Owusu');
    await page.getByRole('checkbox', { name: 'I need priority assistance', exact: true }).check();
    await expectAccessible(page, 'kiosk form');
    await page.getByRole('button', { name: 'Get my ticket', exact: true }).click();

    await expect
      .poll(async () => (await visitsOf(suite.web, deps.cardiology.id)).length, WAIT)
      .toBe(1);
    const [visit] = await visitsOf(suite.web, deps.cardiology.id);
    expect(visit).toMatchObject({ displayName: 'Ama Owusu', priority: 'priority' });
    await expect.poll(() => ticketHeading(page).textContent(), WAIT).toContain(visit?.ticket);
    const qr = page.getByRole('img', { name: 'Ticket QR code', exact: true });
    expect(await readQrCode(qr)).toBe(`${suite.web.base}/t/${visit?.publicToken}`);
    await page.getByText('Your place in the queue', { exact: true }).waitFor(WAIT);
    await expectAccessible(page, 'kiosk ticket');
    await screenshot(page, 'kiosk-ticket-en');

    await page.getByRole('button', { name: 'Done', exact: true }).click();
    await visible(page, 'button', 'Cardiology');
    expect(problems).toEqual([]);
  });

  it('retries a lost check-in with the same key: an alert meanwhile, then exactly one visit', async () => {
    const dep = await createNamedDepartment(suite.web.t, 'RETRY', 'Radiology');
    const token = await createKiosk(suite.web.t, [dep.id]);
    const { page, problems } = await kiosk();
    const keys: (string | undefined)[] = [];
    await page.route('**/api/v1/checkins', async (route) => {
      keys.push(route.request().headers()['idempotency-key']);
      await (keys.length === 1 ? route.abort('failed') : route.continue());
    });

    await page.goto(`${suite.web.base}/kiosk#pair=${token}`);
    // One department: the start screen is its form.
    await page.getByRole('button', { name: 'Get my ticket', exact: true }).click();
    const alert = page.getByRole('alert');
    await alert.waitFor(WAIT);
    expect(await alert.textContent()).toContain('We could not reach the server. Trying again…');

    await expect.poll(() => ticketHeading(page).textContent(), WAIT).toMatch(/RETRY-\d{3}/);
    expect(await alert.count()).toBe(0);
    expect(await visitsOf(suite.web, dep.id)).toHaveLength(1);
    expect(keys).toHaveLength(2);
    expect(keys[1]).toBe(keys[0]);
    expect(problems).toEqual([]);
  });

  it('speaks French with ?lang=fr', async () => {
    const deps = await departments('F');
    const token = await createKiosk(suite.web.t, [deps.cardiology.id, deps.general.id]);
    const { page, problems } = await kiosk(viewports.kioskPortrait, 'fr');

    await page.goto(`${suite.web.base}/kiosk?lang=fr#pair=${token}`);
    await visible(page, 'button', 'Cardiology');
    expect(await page.getAttribute('html', 'lang')).toBe('fr');
    expect(await ticketHeading(page).textContent()).toBe('Bienvenue. Prenez votre ticket ici.');
    expect(await page.getByRole('group', { name: 'Langue', exact: true }).count()).toBe(1);
    await expectAccessible(page, 'kiosk start, French');
    await screenshot(page, 'kiosk-start-fr');

    await page.getByRole('button', { name: 'General practice', exact: true }).click();
    await page.getByLabel('Votre nom (facultatif)', { exact: true }).fill('Awa Diallo');
    await page
      .getByRole('checkbox', { name: 'J’ai besoin d’une aide prioritaire', exact: true })
      .waitFor(WAIT);
    await expectAccessible(page, 'kiosk form, French');
    await page.getByRole('button', { name: 'Obtenir mon ticket', exact: true }).click();

    await expect.poll(() => ticketHeading(page).textContent(), WAIT).toMatch(/GPF-\d{3}/);
    await page.getByRole('img', { name: 'QR code du ticket', exact: true }).waitFor(WAIT);
    await page.getByText('Votre place dans la file', { exact: true }).waitFor(WAIT);
    await visible(page, 'button', 'Terminé');
    await expectAccessible(page, 'kiosk ticket, French');
    await screenshot(page, 'kiosk-ticket-fr');
    expect(problems).toEqual([]);
  });

  it('fits a landscape screen', async () => {
    const deps = await departments('L');
    const token = await createKiosk(suite.web.t, [deps.cardiology.id, deps.general.id]);
    const { page, problems } = await kiosk(viewports.kioskLandscape);

    await page.goto(`${suite.web.base}/kiosk#pair=${token}`);
    await visible(page, 'button', 'General practice');
    await expectAccessible(page, 'kiosk start, landscape');
    await screenshot(page, 'kiosk-start-landscape-en');
    expect(problems).toEqual([]);
  });

  it('with ?print=1, prints each ticket once, laid out as a receipt', async () => {
    const dep = await createNamedDepartment(suite.web.t, 'PRINT', 'Physiotherapy');
    const token = await createKiosk(suite.web.t, [dep.id]);
    const { page, problems } = await kiosk();
    const prints = await recordPrints(page);

    await page.goto(`${suite.web.base}/kiosk?print=1#pair=${token}`);
    await page.getByRole('button', { name: 'Get my ticket', exact: true }).click();
    await expect.poll(() => ticketHeading(page).textContent(), WAIT).toContain('PRINT-001');
    await expect.poll(prints, WAIT).toBe(1);

    // On paper: the ticket and its QR code, not the screen's buttons.
    await page.emulateMedia({ media: 'print' });
    expect(await page.getByRole('button', { name: 'Done', exact: true }).isVisible()).toBe(false);
    expect(await page.getByRole('group', { name: 'Language' }).isVisible()).toBe(false);
    const qr = page.getByRole('img', { name: 'Ticket QR code', exact: true });
    expect(await readQrCode(qr)).toMatch(new RegExp(`^${suite.web.base}/t/`));
    // …on 80 mm receipt paper (the PDF's page box is in points: 80 mm = 226.8 pt).
    const pdf = (await page.pdf({ preferCSSPageSize: true })).toString('latin1');
    const [, width] = /MediaBox\s*\[\s*0 0 ([\d.]+) [\d.]+\s*\]/.exec(pdf) ?? [];
    expect(Number(width)).toBeCloseTo(226.8, 0);
    await page.emulateMedia({ media: 'screen' });

    // The setting stays on this device without ?print=1.
    await page.goto(`${suite.web.base}/kiosk`);
    await page.getByRole('button', { name: 'Get my ticket', exact: true }).click();
    await expect.poll(() => ticketHeading(page).textContent(), WAIT).toContain('PRINT-002');
    await expect.poll(prints, WAIT).toBe(1); // a new page load: its own count
    expect(problems).toEqual([]);
  });

  it('returns to setup once an admin revokes it', async () => {
    const dep = await createNamedDepartment(suite.web.t, 'REVOK', 'Dermatology');
    const token = await createKiosk(suite.web.t, [dep.id]);
    const { page, problems } = await kiosk();

    await page.goto(`${suite.web.base}/kiosk#pair=${token}`);
    await visible(page, 'button', 'Get my ticket');
    await revokeKiosk(suite.web.t, token);
    await page.getByRole('button', { name: 'Get my ticket', exact: true }).click();

    await visible(page, 'button', 'Pair this screen');
    expect(await page.getByRole('alert').textContent()).toContain('revoked by an administrator');
    expect(await visitsOf(suite.web, dep.id)).toHaveLength(0);
    await page.reload();
    await visible(page, 'button', 'Pair this screen'); // the token is gone from the device
    expect(problems).toEqual([]);
  });
});
