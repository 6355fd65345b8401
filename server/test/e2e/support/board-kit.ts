import type { Browser, Page } from 'playwright-core';
import { expect } from 'vitest';
import { bearer, type TestApp } from '../../support/app.js';
import {
  freePort,
  PROCESS_JWT_SECRET,
  runTs,
  waitForReady,
  type Spawned,
} from '../../support/process.js';
import { newDevice, redisUrl, viewports } from './web.js';

/**
 * Helpers for the board's end-to-end tests (board.e2e.int.test.ts): clinic set-up through
 * the admin API, a TV with a recorded speech engine, and a real server process that can be
 * stopped and started again on the same port.
 */

/** What the page's stubbed speech engine recorded for one utterance (performance.now() ms). */
export interface Utterance {
  readonly text: string;
  readonly lang: string;
  readonly start: number;
  readonly end: number | null;
}

export interface Recorded {
  readonly spoken: Utterance[];
  readonly cancels: number;
  readonly wakeLocks: number;
}

/**
 * Runs in the page before the app: `speechSynthesis.speak` records each utterance and
 * "speaks" for 300 ms, then fires its `end`, so the order and overlap of announcements are
 * measured as the board drives them; `cancel()` is counted (the board must never call it);
 * wake-lock requests are counted. A string, so no bundler helper leaks into the page.
 */
export const RECORD_SPEECH = `
  window.__board = { spoken: [], cancels: 0, wakeLocks: 0 };
  const synth = window.speechSynthesis;
  synth.speak = (utterance) => {
    const said = { text: utterance.text, lang: utterance.lang, start: performance.now(), end: null };
    window.__board.spoken.push(said);
    setTimeout(() => {
      said.end = performance.now();
      utterance.dispatchEvent(new SpeechSynthesisEvent('end', { utterance }));
    }, 300);
  };
  synth.cancel = () => { window.__board.cancels += 1; };
  if (navigator.wakeLock) {
    const request = navigator.wakeLock.request.bind(navigator.wakeLock);
    navigator.wakeLock.request = (type) => { window.__board.wakeLocks += 1; return request(type); };
  }
`;

export const recorded = (page: Page): Promise<Recorded> =>
  page.evaluate(() => (globalThis as unknown as { __board: Recorded }).__board);

/**
 * How the board says a ticket (web/src/board/announcements/spoken-ticket.ts): letters one
 * by one, then the number — "CARD-012" is said "C A R D 12".
 */
export const spoken = (ticket: string): string => {
  const [code = '', number = ''] = ticket.split('-');
  return `${code.split('').join(' ')} ${Number(number)}`;
};

export const createClinicDepartment = async (
  t: TestApp,
  code: string,
  name: string,
  rooms: string[],
): Promise<{ id: string; roomIds: string[] }> => {
  const headers = bearer(await t.adminToken());
  const res = await t.app.inject({
    method: 'POST',
    url: '/api/v1/admin/departments',
    headers,
    payload: { code, name },
  });
  expect(res.statusCode, res.body).toBe(201);
  const id = res.json<{ department: { id: string } }>().department.id;
  const roomIds: string[] = [];
  for (const room of rooms) {
    const r = await t.app.inject({
      method: 'POST',
      url: `/api/v1/admin/departments/${id}/rooms`,
      headers,
      payload: { name: room },
    });
    expect(r.statusCode, r.body).toBe(201);
    roomIds.push(r.json<{ room: { id: string } }>().room.id);
  }
  return { id, roomIds };
};

export interface CreatedBoard {
  readonly id: string;
  readonly token: string;
}

export const createBoard = async (
  t: TestApp,
  body: { name: string; departmentIds: string[]; language?: 'en' | 'fr' },
): Promise<CreatedBoard> => {
  const res = await t.app.inject({
    method: 'POST',
    url: '/api/v1/admin/boards',
    headers: bearer(await t.adminToken()),
    payload: body,
  });
  expect(res.statusCode, res.body).toBe(201);
  const created = res.json<{ board: { id: string }; token: string }>();
  return { id: created.board.id, token: created.token };
};

export interface CalledVisit {
  readonly id: string;
  readonly ticket: string;
  readonly version: number;
}

/** A doctor's "Call next" through the API; resolves when the server has answered 200. */
export const callNext = async (
  t: TestApp,
  token: string,
  departmentId: string,
  roomId: string,
): Promise<CalledVisit> => {
  const res = await t.app.inject({
    method: 'POST',
    url: `/api/v1/departments/${departmentId}/call-next`,
    headers: bearer(token),
    payload: { roomId },
  });
  expect(res.statusCode, res.body).toBe(200);
  return res.json<{ visit: CalledVisit }>().visit;
};

/** A visit's `start` or `complete`, so it leaves "now serving" for the recent calls. */
export const transition = async (
  t: TestApp,
  token: string,
  visit: CalledVisit,
  action: 'start' | 'complete',
): Promise<CalledVisit> => {
  const res = await t.app.inject({
    method: 'POST',
    url: `/api/v1/visits/${visit.id}/${action}`,
    headers: bearer(token),
    payload: { version: visit.version },
  });
  expect(res.statusCode, res.body).toBe(200);
  return res.json<{ visit: CalledVisit }>().visit;
};

/** A 1920×1080 TV with the speech recorder, opened at a board's pairing link. */
export const openBoard = async (
  browser: Browser,
  base: string,
  board: CreatedBoard,
  query = '',
) => {
  const device = await newDevice(browser, viewports.tv);
  await device.context.addInitScript({ content: RECORD_SPEECH });
  await device.page.goto(`${base}/board/${board.id}${query}#pair=${board.token}`);
  return device;
};

/** A real server process (src/main.ts) on a fixed port, on the test database and Redis. */
export const serverProcess = async (databaseUrl: string) => {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  let running: Spawned | null = null;
  let last: Spawned | null = null;
  const start = async () => {
    running = last = runTs('src/main.ts', [], {
      DATABASE_URL: databaseUrl,
      REDIS_URL: redisUrl,
      PORT: String(port),
      HOST: '127.0.0.1',
      JWT_SECRET: PROCESS_JWT_SECRET,
      NODE_ENV: 'test',
      LOG_LEVEL: 'warn',
    });
    await waitForReady(base, running);
  };
  /** SIGTERM: the graceful shutdown a deploy or a restart does (streams end cleanly). */
  const stop = async () => {
    const current: Spawned | null = running;
    running = null;
    if (current === null) return;
    current.child.kill('SIGTERM');
    await current.exited;
  };
  await start();
  return { base, start, stop, output: () => last?.output() ?? '' };
};
