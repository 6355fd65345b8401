import { act, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import i18next from 'i18next';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  BOARD_ID,
  boardState,
  call,
  department,
  device,
  fakeApi,
  FakeEventSource,
  fakeSpeech,
  pairedBoardApi,
  renderBoard,
  TOKEN,
  unauthorized,
} from './testing/board-harness';

beforeEach(() => {
  FakeEventSource.all = [];
});

afterEach(async () => {
  vi.unstubAllGlobals();
  Reflect.deleteProperty(navigator, 'wakeLock');
  await i18next.changeLanguage('en');
});

/** Waits for the board to open its stream, then opens it and sends `state` as the snapshot. */
const connect = async (state = boardState(department())) => {
  await waitFor(() => expect(FakeEventSource.all).toHaveLength(1));
  act(() => {
    FakeEventSource.last().open();
    FakeEventSource.last().emit('snapshot', state);
  });
};

const nowServing = () => screen.getByRole('region', { name: 'Now serving' });

describe('the board screen', () => {
  it('unpaired: shows the setup screen, and a typed pairing code starts the board', async () => {
    const requests = fakeApi(pairedBoardApi());
    renderBoard(`/board/${BOARD_ID}`, { paired: false });
    await userEvent.type(screen.getByLabelText('Pairing code'), TOKEN);
    await userEvent.click(screen.getByRole('button', { name: 'Pair this screen' }));
    await connect();
    expect(nowServing()).toBeTruthy();
    expect(localStorage.getItem('mq.device.board')).toBe(TOKEN);
    expect(requests).toEqual(['GET /api/v1/device', 'POST /api/v1/stream-tickets']);
    expect(FakeEventSource.last().url).toBe(
      `/api/v1/boards/${BOARD_ID}/events?ticket=stream-ticket-1`,
    );
  });

  it('loading: says so until the board knows itself and has its first snapshot', async () => {
    fakeApi({ 'GET /api/v1/device': () => 'hang' });
    renderBoard();
    expect(await screen.findByText('Loading…')).toBeTruthy();
    expect(screen.queryByRole('region', { name: 'Now serving' })).toBeNull();
  });

  it('a server that does not answer at start-up shows Reconnecting, and keeps asking', async () => {
    const requests = fakeApi({ 'GET /api/v1/device': () => 'network' });
    renderBoard();
    await waitFor(() => expect(screen.getByRole('status').textContent).toContain('Reconnecting'));
    expect(screen.getByText('Loading…')).toBeTruthy();
    await waitFor(() => expect(requests.length).toBeGreaterThan(1), { timeout: 3_000 });
  });

  it('live: ticket → room newest first, recent calls, and each queue with its wait', async () => {
    fakeApi(pairedBoardApi());
    renderBoard();
    const older = call('CARD-011', 1, 'Room 1');
    const newest = call('CARD-012', 7, 'Room 3');
    const done = call('CARD-009', 0, 'Room 2');
    await connect(
      boardState(
        department({
          nowServing: [older, newest],
          recentlyCalled: [newest, older, done],
          waitingCount: 4,
          estimatedWaitMinutes: 12.4,
        }),
        department({ departmentId: 'd2', departmentName: 'Radiology', waitingCount: 0 }),
      ),
    );
    expect(screen.getByRole('heading', { level: 1, name: 'Main waiting room' })).toBeTruthy();
    const calls = within(nowServing()).getAllByRole('listitem');
    expect(calls.map((li) => li.textContent)).toEqual([
      'CardiologyCARD-012→ go to Room 3',
      'CARD-011→ go to Room 1',
    ]);
    // Recent calls: only those no longer being served.
    const recent = screen.getByRole('region', { name: 'Recent calls' });
    expect(
      within(recent)
        .getAllByRole('listitem')
        .map((li) => li.textContent),
    ).toEqual(['CARD-009→ go to Room 2']);
    const cardiology = screen.getByRole('heading', { level: 3, name: 'Cardiology' }).parentElement;
    expect(cardiology?.textContent).toBe('CardiologyWaiting4Estimated wait12 minutes');
    const radiology = screen.getByRole('heading', { level: 3, name: 'Radiology' }).parentElement;
    expect(radiology?.textContent).toBe('RadiologyWaiting0Estimated waitnot known yet');
    expect(screen.getByRole('status').textContent).toBe('Live');
  });

  it('empty: no calls yet is said plainly', async () => {
    fakeApi(pairedBoardApi());
    renderBoard();
    await connect(boardState(department({ waitingCount: 2 })));
    expect(nowServing().textContent).toContain('No one has been called yet.');
  });

  it('reconnecting: says Reconnecting while the stream is down, and keeps the last state', async () => {
    const api = pairedBoardApi();
    let first = true;
    fakeApi({
      ...api,
      'POST /api/v1/stream-tickets': () => {
        if (!first) return 'network';
        first = false;
        return { status: 201, body: { ticket: 'stream-ticket-1', expiresInSeconds: 30 } };
      },
    });
    renderBoard();
    await connect(boardState(department({ nowServing: [call('CARD-012', 7, 'Room 3')] })));
    act(() => FakeEventSource.last().fail());
    expect(screen.getByRole('status').textContent).toContain('Reconnecting');
    expect(nowServing().textContent).toContain('CARD-012');
    expect(nowServing().textContent).toContain('Room 3');
  });

  it('revoked: a 401 on the stream ticket returns the board to setup, and says why', async () => {
    fakeApi({ ...pairedBoardApi(), 'POST /api/v1/stream-tickets': unauthorized });
    renderBoard();
    expect(await screen.findByRole('button', { name: 'Pair this screen' })).toBeTruthy();
    expect(screen.getByRole('alert').textContent).toContain('revoked by an administrator');
    expect(localStorage.getItem('mq.device.board')).toBeNull();
  });

  it('revoked before it even started: a 401 on its own settings also returns it to setup', async () => {
    fakeApi({ 'GET /api/v1/device': unauthorized });
    renderBoard();
    expect(await screen.findByLabelText('Pairing code')).toBeTruthy();
  });

  it("opened at another board's address: goes to its own board", async () => {
    fakeApi(pairedBoardApi());
    const { router } = renderBoard('/board/0b0a0d00-0000-4000-8000-0000000000ff?lang=en');
    await connect();
    expect(router.state.location.pathname).toBe(`/board/${BOARD_ID}`);
    expect(router.state.location.search).toBe('?lang=en');
    expect(FakeEventSource.last().url).toContain(`/boards/${BOARD_ID}/`);
  });

  it("speaks the board's configured language, unless changed on the board itself", async () => {
    fakeApi(pairedBoardApi(device({ language: 'fr' })));
    renderBoard();
    await connect();
    expect(screen.getByRole('region', { name: 'Appels en cours' })).toBeTruthy();
    await userEvent.click(screen.getByRole('button', { name: 'English' }));
    expect(nowServing()).toBeTruthy();
    expect(localStorage.getItem('mq.lang.board')).toBe('en');
  });

  it('?lang=fr in the address wins over the configured language', async () => {
    fakeApi(pairedBoardApi(device({ language: 'en' })));
    renderBoard(`/board/${BOARD_ID}?lang=fr`);
    await connect();
    expect(screen.getByRole('region', { name: 'Appels en cours' })).toBeTruthy();
    // A choice made on the board itself still applies at once.
    await userEvent.click(screen.getByRole('button', { name: 'English' }));
    expect(nowServing()).toBeTruthy();
  });
});

describe('announcements on the board', () => {
  it('says each new call (ticket and room) in the board language, never the snapshot again', async () => {
    const speech = fakeSpeech();
    fakeApi(pairedBoardApi(device({ language: 'fr' })));
    renderBoard();
    const shown = call('CARD-011', 1, 'Salle 1');
    await connect(boardState(department({ nowServing: [shown] })));
    const fresh = call('CARD-012', 7, 'Salle 3');
    act(() =>
      FakeEventSource.last().emit(
        'board.updated',
        boardState(department({ nowServing: [fresh, shown] })),
      ),
    );
    await waitFor(() =>
      expect(speech.said()).toEqual([{ text: 'Ticket C A R D 12, Salle 3', lang: 'fr' }]),
    );
    // A reconnect's snapshot repeats what is on screen: nothing is said twice.
    act(() =>
      FakeEventSource.last().emit(
        'snapshot',
        boardState(department({ nowServing: [fresh, shown] })),
      ),
    );
    speech.endCurrent();
    await new Promise((r) => setTimeout(r, 20));
    expect(speech.said()).toHaveLength(1);
  });

  it('offers "Turn on announcements" when the browser refuses sound, and pressing it turns it on', async () => {
    let state: AudioContextState = 'suspended';
    vi.stubGlobal(
      'AudioContext',
      class {
        get state() {
          return state;
        }
        currentTime = 0;
        // A real one stays pending until a user gesture; this one until the press below.
        resume() {
          return pressed ? ((state = 'running'), Promise.resolve()) : new Promise(() => undefined);
        }
      },
    );
    let pressed = false;
    fakeApi(pairedBoardApi());
    renderBoard();
    await connect();
    const button = await screen.findByRole('button', { name: 'Turn on announcements' });
    pressed = true;
    await userEvent.click(button);
    await waitFor(() =>
      expect(screen.queryByRole('button', { name: 'Turn on announcements' })).toBeNull(),
    );
  });

  it('keeps the screen awake, and asks again when the page is shown after being hidden', async () => {
    const requested: string[] = [];
    const sentinel = { released: false, release: () => Promise.resolve() };
    Object.defineProperty(navigator, 'wakeLock', {
      configurable: true,
      value: { request: (type: string) => (requested.push(type), Promise.resolve(sentinel)) },
    });
    fakeApi(pairedBoardApi());
    renderBoard();
    await connect();
    await waitFor(() => expect(requested).toEqual(['screen']));
    sentinel.released = true; // the browser let go of it while the page was hidden
    act(() => {
      document.dispatchEvent(new Event('visibilitychange'));
    });
    await waitFor(() => expect(requested).toEqual(['screen', 'screen']));
  });
});
