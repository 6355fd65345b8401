import { describe, expect, it } from 'vitest';
import { bearer, checkIn, createDepartment, createKiosk } from '../support/app.js';
import { browserSuite, expectAccessible, screenshot, viewports } from './support/web.js';

/**
 * The patient's ticket page (`/t/:publicToken`, docs/screens.md) on a 360 px phone, in Chromium,
 * against a real server on Postgres and Redis: the position changes live as others are
 * called, then the room alert appears when this patient is called.
 */
const suite = browserSuite();
const WAIT = { timeout: 8_000 };

const phone = async (lang?: 'fr') => {
  const device = await suite.device(viewports.phone, lang ? { locale: 'fr-FR' } : {});
  return device;
};

const callNext = async (depId: string, roomId: string) => {
  const res = await suite.web.t.app.inject({
    method: 'POST',
    url: `/api/v1/departments/${depId}/call-next`,
    headers: bearer(await suite.web.t.adminToken()),
    payload: { roomId },
  });
  expect(res.statusCode).toBe(200);
};

describe('the ticket page', () => {
  it('shows the position changing live as others are called, then the room when called', async () => {
    const dep = await createDepartment(suite.web.t, 'TPAGE', { rooms: ['Room 3'] });
    const kiosk = await createKiosk(suite.web.t, [dep.id]);
    const others = [
      await checkIn(suite.web.t, kiosk, dep.id),
      await checkIn(suite.web.t, kiosk, dep.id),
    ];
    const mine = await checkIn(suite.web.t, kiosk, dep.id, { displayName: 'Ama Owusu' });
    const { page, problems } = await phone();
    const publicToken = (mine as unknown as { publicToken: string }).publicToken;

    await page.goto(`${suite.web.base}/t/${publicToken}`);
    await expect
      .poll(() => page.getByRole('heading', { level: 1 }).textContent(), WAIT)
      .toContain(mine.ticket);
    const position = page.getByRole('definition').first();
    await expect.poll(() => position.textContent(), WAIT).toBe('3');
    await expect.poll(() => page.getByText('Live').count(), WAIT).toBe(1);
    // No patient data on a public page, even the patient's own name.
    expect(await page.content()).not.toContain('Ama Owusu');
    await expectAccessible(page, 'ticket page, waiting');
    await screenshot(page, 'ticket-waiting-en');

    await callNext(dep.id, dep.roomIds[0] as string);
    await expect.poll(() => position.textContent(), WAIT).toBe('2');
    await callNext(dep.id, dep.roomIds[0] as string);
    await expect.poll(() => position.textContent(), WAIT).toBe('1');
    expect(others).toHaveLength(2);

    await callNext(dep.id, dep.roomIds[0] as string);
    const alert = page.getByRole('alert');
    await expect.poll(() => alert.textContent(), WAIT).toBe('Go to Room 3 now');
    await expectAccessible(page, 'ticket page, called');
    await screenshot(page, 'ticket-called-en');
    expect(problems).toEqual([]);
  });

  it('speaks French with ?lang=fr, and says plainly when a ticket does not exist', async () => {
    const dep = await createDepartment(suite.web.t, 'TPFR', { rooms: ['Salle 2'] });
    const kiosk = await createKiosk(suite.web.t, [dep.id]);
    const visit = await checkIn(suite.web.t, kiosk, dep.id);
    const { page, problems } = await phone('fr');
    const publicToken = (visit as unknown as { publicToken: string }).publicToken;

    await page.goto(`${suite.web.base}/t/${publicToken}?lang=fr`);
    await expect.poll(() => page.getByText('Position').count(), WAIT).toBe(1);
    await expect.poll(() => page.getByText('Attente estimée').count(), WAIT).toBe(1);
    expect(await page.getAttribute('html', 'lang')).toBe('fr');
    await expectAccessible(page, 'ticket page, French');
    await screenshot(page, 'ticket-waiting-fr');

    await callNext(dep.id, dep.roomIds[0] as string);
    await expect
      .poll(() => page.getByRole('alert').textContent(), WAIT)
      .toBe('Présentez-vous en Salle 2 maintenant');
    await screenshot(page, 'ticket-called-fr');

    await page.goto(`${suite.web.base}/t/${'x'.repeat(27)}`);
    await expect.poll(() => page.getByRole('alert').textContent(), WAIT).toContain('introuvable');
    expect(problems).toEqual([]);
  });
});
