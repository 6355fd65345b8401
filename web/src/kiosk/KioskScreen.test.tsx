import { screen, within } from '@testing-library/react';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { department, fakeKioskServer, KIOSK_TOKEN } from './testing/fake-kiosk-server';
import { patient, renderKiosk } from './testing/render-kiosk';

/**
 * The kiosk before a check-in (docs/screens.md "Kiosk"): setup, the start screen, the form. Found
 * by role and accessible name, as a patient or a screen reader finds them.
 */
const cardiology = department('CARD', 'Cardiology');
const radiology = department('RAD', 'Radiology');
const server = () => fakeKioskServer([cardiology, radiology]);
const paired = () => localStorage.setItem('mq.device.kiosk', KIOSK_TOKEN);

beforeEach(() => {
  window.history.replaceState(null, '', '/kiosk');
});

describe('an unpaired kiosk', () => {
  it('shows the setup screen and accepts a typed pairing code', async () => {
    renderKiosk(server().fetch);
    const u = patient();
    await u.type(screen.getByLabelText('Pairing code'), KIOSK_TOKEN);
    await u.click(screen.getByRole('button', { name: 'Pair this screen' }));

    expect(await screen.findByRole('button', { name: 'Cardiology' })).toBeDefined();
    expect(localStorage.getItem('mq.device.kiosk')).toBe(KIOSK_TOKEN);
  });

  it('pairs from the link, and takes the token out of the address bar', async () => {
    window.history.replaceState(null, '', `/kiosk#pair=${KIOSK_TOKEN}`);
    renderKiosk(server().fetch);

    expect(await screen.findByRole('button', { name: 'Radiology' })).toBeDefined();
    expect(window.location.hash).toBe('');
    expect(window.location.pathname).toBe('/kiosk');
  });
});

describe('the start screen', () => {
  beforeEach(paired);

  it('has one large button per department, by name, and the language switch', async () => {
    renderKiosk(server().fetch);
    const list = await screen.findByRole('list');
    expect(
      within(list)
        .getAllByRole('button')
        .map((b) => b.textContent),
    ).toEqual(['Cardiology', 'Radiology']);
    expect(screen.getByRole('group', { name: 'Language' })).toBeDefined();
  });

  it('goes to the form for the department touched, and Back returns', async () => {
    renderKiosk(server().fetch);
    const u = patient();
    await u.click(await screen.findByRole('button', { name: 'Radiology' }));

    expect(screen.getByRole('heading', { level: 1 }).textContent).toBe('Checking in for Radiology');
    expect(screen.getByLabelText('Your name (optional)')).toBeDefined();
    expect(screen.getByRole('checkbox', { name: 'I need priority assistance' })).toBeDefined();
    expect(screen.getByRole('button', { name: 'Get my ticket' })).toBeDefined();

    await u.click(screen.getByRole('button', { name: 'Back' }));
    expect(screen.getByRole('button', { name: 'Cardiology' })).toBeDefined();
  });

  it('goes straight to the form when the kiosk has one department', async () => {
    renderKiosk(fakeKioskServer([cardiology]).fetch);
    expect(
      await screen.findByRole('heading', { level: 1, name: 'Checking in for Cardiology' }),
    ).toBeDefined();
    expect(screen.queryByRole('button', { name: 'Back' })).toBeNull();
    expect(screen.getByRole('group', { name: 'Language' })).toBeDefined();
  });

  it('says so plainly when no department takes check-ins', async () => {
    renderKiosk(fakeKioskServer([]).fetch);
    expect(await screen.findByText(/not taking check-ins right now/)).toBeDefined();
  });

  it('says the server cannot be reached while the departments do not load', async () => {
    vi.useFakeTimers({ shouldAdvanceTime: true });
    renderKiosk(() => Promise.reject(new TypeError('Failed to fetch')));
    expect((await screen.findByRole('alert')).textContent).toBe(
      'We could not reach the server. Trying again…',
    );
  });

  it('speaks French once Français is touched', async () => {
    renderKiosk(server().fetch);
    const u = patient();
    await u.click(await screen.findByRole('button', { name: 'Français' }));
    expect(screen.getByRole('heading', { level: 1 }).textContent).toBe(
      'Bienvenue. Prenez votre ticket ici.',
    );
    await u.click(screen.getByRole('button', { name: 'Cardiology' }));
    expect(screen.getByLabelText('Votre nom (facultatif)')).toBeDefined();
    expect(
      screen.getByRole('checkbox', { name: 'J’ai besoin d’une aide prioritaire' }),
    ).toBeDefined();
    expect(screen.getByRole('button', { name: 'Obtenir mon ticket' })).toBeDefined();
  });
});
