import { QueryClientProvider } from '@tanstack/react-query';
import { render } from '@testing-library/react';
import { createMemoryRouter, RouterProvider } from 'react-router';
import { vi } from 'vitest';
import { makeQueryClient } from '../../app/query-client';
import type {
  BoardCall,
  BoardDepartment,
  BoardStateData,
  CurrentDevice,
} from '../../shared/api/types';
import { BoardScreen } from '../BoardScreen';

/**
 * Test kit for the board screen: the real screen, router and query client, with the
 * browser's edges faked — fetch (the API), EventSource (the stream), speech and audio.
 */
export const BOARD_ID = '0b0a0d00-0000-4000-8000-000000000001';
export const TOKEN = 'mqb_abcdefghijklmnopqrstuv';

export const device = (overrides: Partial<CurrentDevice> = {}): CurrentDevice => ({
  id: BOARD_ID,
  kind: 'board',
  name: 'Main waiting room',
  language: null,
  departmentIds: ['d1'],
  ...overrides,
});

export const call = (
  ticket: string,
  minute: number,
  roomName: string | null = 'Room 1',
): BoardCall => ({
  ticket,
  roomName,
  calledAt: new Date(Date.UTC(2026, 10, 23, 9, minute)).toISOString(),
});

export const department = (overrides: Partial<BoardDepartment> = {}): BoardDepartment => ({
  departmentId: 'd1',
  departmentName: 'Cardiology',
  nowServing: [],
  recentlyCalled: [],
  waitingCount: 0,
  estimatedWaitMinutes: null,
  ...overrides,
});

export const boardState = (...departments: BoardDepartment[]): BoardStateData => ({ departments });

/** An EventSource the test opens, feeds and breaks. */
export class FakeEventSource {
  static all: FakeEventSource[] = [];
  readyState = 0;
  onopen: ((event: Event) => void) | null = null;
  onerror: ((event: Event) => void) | null = null;
  closed = false;
  private listeners = new Map<string, ((event: MessageEvent<string>) => void)[]>();

  constructor(readonly url: string) {
    FakeEventSource.all.push(this);
  }
  static last(): FakeEventSource {
    const last = FakeEventSource.all.at(-1);
    if (last === undefined) throw new Error('no EventSource was opened');
    return last;
  }
  addEventListener(type: string, listener: (event: MessageEvent<string>) => void): void {
    this.listeners.set(type, [...(this.listeners.get(type) ?? []), listener]);
  }
  close(): void {
    this.closed = true;
    this.readyState = 2;
  }
  open(): void {
    this.readyState = 1;
    this.onopen?.(new Event('open'));
  }
  emit(type: 'snapshot' | 'board.updated', data: BoardStateData): void {
    const event = new MessageEvent<string>(type, { data: JSON.stringify(data), lastEventId: 'b1' });
    for (const listener of this.listeners.get(type) ?? []) listener(event);
  }
  /** The server went away: EventSource reports an error and the client reconnects. */
  fail(): void {
    this.readyState = 2;
    this.onerror?.(new Event('error'));
  }
}

type Answer = { status: number; body?: unknown } | 'hang' | 'network';
export type Routes = Record<string, () => Answer>;

const json = (status: number, body: unknown) =>
  new Response(body === undefined ? null : JSON.stringify(body), {
    status,
    headers: { 'content-type': status >= 400 ? 'application/problem+json' : 'application/json' },
  });

/** `fetch` answering `METHOD /path` from `routes`; what it was asked is in `requests`. */
export const fakeApi = (routes: Routes) => {
  const requests: string[] = [];
  vi.stubGlobal('fetch', (input: Request | string) => {
    const request = typeof input === 'string' ? new Request(input) : input;
    const key = `${request.method} ${new URL(request.url).pathname}`;
    requests.push(key);
    const answer = routes[key]?.() ?? { status: 404, body: { code: 'NOT_FOUND' } };
    if (answer === 'hang') return new Promise<Response>(() => undefined);
    if (answer === 'network') return Promise.reject(new TypeError('fetch failed'));
    return Promise.resolve(json(answer.status, answer.body));
  });
  return requests;
};

export const pairedBoardApi = (me: CurrentDevice = device()): Routes => {
  let tickets = 0;
  return {
    'GET /api/v1/device': () => ({ status: 200, body: { device: me } }),
    'POST /api/v1/stream-tickets': () => ({
      status: 201,
      body: { ticket: `stream-ticket-${(tickets += 1)}`, expiresInSeconds: 30 },
    }),
  };
};

export const unauthorized = (): Answer => ({
  status: 401,
  body: { code: 'UNAUTHENTICATED', title: 'Unauthenticated', status: 401 },
});

/** The Web Speech API, recording each utterance; the test ends them. */
export const fakeSpeech = () => {
  class Utterance extends EventTarget {
    lang = '';
    rate = 1;
    voice: SpeechSynthesisVoice | null = null;
    constructor(readonly text: string) {
      super();
    }
  }
  const spoken: Utterance[] = [];
  vi.stubGlobal('SpeechSynthesisUtterance', Utterance);
  vi.stubGlobal('speechSynthesis', {
    speak: (u: Utterance) => spoken.push(u),
    getVoices: () => [],
    cancel: () => {
      throw new Error('the board must never cancel speech');
    },
  });
  return {
    said: () => spoken.map((u) => ({ text: u.text, lang: u.lang })),
    endCurrent: () => spoken.at(-1)?.dispatchEvent(new Event('end')),
  };
};

export const renderBoard = (path = `/board/${BOARD_ID}`, { paired = true } = {}) => {
  if (paired) localStorage.setItem('mq.device.board', TOKEN);
  vi.stubGlobal('EventSource', FakeEventSource);
  const router = createMemoryRouter([{ path: '/board/:boardId', element: <BoardScreen /> }], {
    initialEntries: [path],
  });
  render(
    <QueryClientProvider client={makeQueryClient()}>
      <RouterProvider router={router} />
    </QueryClientProvider>,
  );
  return { router };
};
