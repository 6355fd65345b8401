import { act, screen } from '@testing-library/react';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import {
  department,
  fakeKioskServer,
  KIOSK_TOKEN,
  type FakeKioskServer,
} from './testing/fake-kiosk-server';
import { patient, renderKiosk } from './testing/render-kiosk';

/**
 * The kiosk from "Get my ticket" on (docs/screens.md "Kiosk"): submitting, a lost request retried
 * with the same Idempotency-Key (one ticket), problems in plain words, the ticket with
 * its QR code, Done and the 30 s idle reset, and a revoked token.
 */
const cardiology = department('CARD', 'Cardiology');
let server: FakeKioskServer;

beforeEach(() => {
  server = fakeKioskServer([cardiology]); // one department: the form is the start
  localStorage.setItem('mq.device.kiosk', KIOSK_TOKEN);
  window.history.replaceState(null, '', '/kiosk');
});

const ticketHeading = () => screen.findByRole('heading', { level: 1, name: /CARD-012/ });
const getMyTicket = () => screen.findByRole('button', { name: 'Get my ticket' });

describe('checking in', () => {
  it('sends the name and priority asked for, and shows the ticket', async () => {
    renderKiosk(server.fetch);
    const u = patient();
    await u.type(await screen.findByLabelText('Your name (optional)'), '  Ama Owusu ');
    await u.click(screen.getByRole('checkbox', { name: 'I need priority assistance' }));
    await u.click(await getMyTicket());

    expect((await ticketHeading()).textContent).toBe('Your ticket number CARD-012');
    expect(server.visits.map((v) => [v.patient?.displayName, v.priority])).toEqual([
      ['Ama Owusu', 'priority'],
    ]);
    expect(screen.getByText(/You asked for priority assistance/)).toBeDefined();
  });

  it('says the ticket is on its way, and takes no second tap meanwhile', async () => {
    let answer = () => {};
    server.holdCheckIns = new Promise((resolve) => (answer = resolve));
    renderKiosk(server.fetch);
    const u = patient();
    await u.click(await getMyTicket());

    expect(screen.getByRole('status').textContent).toBe('Getting your ticket…');
    const button = screen.getByRole('button', { name: 'Get my ticket' });
    expect(button).toHaveProperty('disabled', true);
    await u.click(button);
    answer();
    expect(await ticketHeading()).toBeDefined();
    expect(server.attempts).toHaveLength(1);
    expect(server.visits).toHaveLength(1);
  });

  it('retries a lost request with the same Idempotency-Key, saying so meanwhile: one ticket', async () => {
    vi.useFakeTimers({ shouldAdvanceTime: true });
    server.dropCheckIns = 2;
    renderKiosk(server.fetch);
    const u = patient();
    await u.click(await getMyTicket());

    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('We could not reach the server. Trying again…');
    expect(alert.textContent).toContain('You will get one ticket only.');
    await act(() => vi.advanceTimersByTimeAsync(5_000)); // two backoffs: ~1 s, then ~2 s

    expect(await ticketHeading()).toBeDefined();
    expect(screen.queryByRole('alert')).toBeNull();
    expect(server.visits).toHaveLength(1);
    const keys = server.attempts.map((a) => a.key);
    expect(keys).toHaveLength(3);
    expect(new Set(keys).size).toBe(1);
  });

  it('after giving up, a new tap with the same request reuses the key: still one ticket', async () => {
    vi.useFakeTimers({ shouldAdvanceTime: true });
    server.dropCheckIns = 9; // the first tap and its 8 retries are all lost
    vi.spyOn(Math, 'random').mockReturnValue(0.5); // no jitter: 1+2+4+8+10×4 = 55 s
    renderKiosk(server.fetch);
    const u = patient();
    await u.click(await getMyTicket());
    await act(() => vi.advanceTimersByTimeAsync(56_000));

    expect((await screen.findByRole('alert')).textContent).toContain(
      'We could not get your ticket.',
    );
    await u.click(screen.getByRole('button', { name: 'Get my ticket' }));
    expect(await ticketHeading()).toBeDefined();
    expect(new Set(server.attempts.map((a) => a.key)).size).toBe(1);
    expect(server.visits).toHaveLength(1);
  });

  it('shows a refusal plainly and does not ask again', async () => {
    vi.useFakeTimers({ shouldAdvanceTime: true });
    server.checkInProblem = { status: 404, code: 'NOT_FOUND' };
    renderKiosk(server.fetch);
    const u = patient();
    await u.click(await getMyTicket());

    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('This department is not taking patients here right now.');
    expect(alert.textContent).toContain('NOT_FOUND');
    await act(() => vi.advanceTimersByTimeAsync(20_000));
    expect(server.attempts).toHaveLength(1);
  });
});

describe('the ticket', () => {
  it('shows the ticket, place in the queue, estimated wait and QR code; Done starts over', async () => {
    server.departments = [cardiology, department('RAD', 'Radiology')];
    renderKiosk(server.fetch);
    const u = patient();
    await u.click(await screen.findByRole('button', { name: 'Cardiology' }));
    await u.type(screen.getByLabelText('Your name (optional)'), 'Ama');
    await u.click(await getMyTicket());

    expect(await ticketHeading()).toBeDefined();
    expect(screen.getByText('Cardiology')).toBeDefined();
    expect(await screen.findByText('3')).toBeDefined();
    expect(screen.getByText('2 people before you')).toBeDefined();
    expect(screen.getByText('about 12 minutes')).toBeDefined();
    expect(screen.getByRole('img', { name: 'Ticket QR code' })).toBeDefined();

    await u.click(screen.getByRole('button', { name: 'Done' }));
    expect(screen.getByRole('button', { name: 'Radiology' })).toBeDefined();
    await u.click(screen.getByRole('button', { name: 'Cardiology' }));
    // The next patient finds an empty form.
    expect(screen.getByLabelText('Your name (optional)')).toHaveProperty('value', '');
  });

  it('goes back to the start after 30 s without a touch, and a touch restarts the wait', async () => {
    vi.useFakeTimers({ shouldAdvanceTime: true });
    renderKiosk(server.fetch);
    const u = patient();
    await u.click(await getMyTicket());
    expect(await ticketHeading()).toBeDefined();

    await act(() => vi.advanceTimersByTimeAsync(25_000));
    await u.pointer({ keys: '[MouseLeft]', target: document.body });
    await act(() => vi.advanceTimersByTimeAsync(25_000));
    expect(screen.getByRole('heading', { level: 1, name: /CARD-012/ })).toBeDefined();

    await act(() => vi.advanceTimersByTimeAsync(6_000));
    expect(screen.queryByRole('heading', { level: 1, name: /CARD-012/ })).toBeNull();
    expect(screen.getByRole('button', { name: 'Get my ticket' })).toBeDefined();
  });

  it('prints each ticket once with ?print=1, and remembers the setting', async () => {
    window.history.replaceState(null, '', '/kiosk?print=1');
    const print = vi.fn();
    vi.stubGlobal('print', print);
    renderKiosk(server.fetch);
    const u = patient();
    await u.click(await getMyTicket());
    expect(await ticketHeading()).toBeDefined();
    expect(screen.getByText('Take your paper ticket below.')).toBeDefined();
    await vi.waitFor(() => expect(print).toHaveBeenCalledTimes(1));

    await u.click(screen.getByRole('button', { name: 'Done' }));
    await u.click(await getMyTicket());
    expect(await screen.findByRole('heading', { level: 1, name: /CARD-013/ })).toBeDefined();
    await vi.waitFor(() => expect(print).toHaveBeenCalledTimes(2));
    expect(localStorage.getItem('mq.kiosk.print')).toBe('1');
  });
});

describe('a revoked kiosk', () => {
  it('returns to setup when the server refuses its token', async () => {
    server.revoked = true;
    renderKiosk(server.fetch);
    expect((await screen.findByRole('alert')).textContent).toContain('revoked by an administrator');
    expect(screen.getByLabelText('Pairing code')).toBeDefined();
    expect(localStorage.getItem('mq.device.kiosk')).toBeNull();
  });

  it('returns to setup when a check-in is refused with 401', async () => {
    renderKiosk(server.fetch);
    const u = patient();
    const button = await getMyTicket();
    server.revoked = true;
    await u.click(button);
    expect(await screen.findByRole('button', { name: 'Pair this screen' })).toBeDefined();
    expect(server.visits).toHaveLength(0);
  });
});
