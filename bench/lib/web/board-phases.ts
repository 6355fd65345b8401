import { setTimeout as sleep } from 'node:timers/promises';
import type { Browser, Page } from 'playwright-core';
import { summarize, type LatencySummary } from '../stats.js';
import { bareBoardSource, probeSource } from './page-probe.js';
import { api, type Clinic } from './setup.js';

type ProbeGlobals = { __latencies: number[]; __received: number };

const TV = { width: 1920, height: 1080 };

/** The board app, paired through its link, with the probe installed before any script. */
export const openBoard = async (browser: Browser, base: string, clinic: Clinic): Promise<Page> => {
  const context = await browser.newContext({ viewport: TV });
  await context.addInitScript({ content: probeSource });
  const page = await context.newPage();
  await page.goto(`${base}/board/${clinic.board.id}#pair=${clinic.board.token}`);
  await page.getByRole('region', { name: 'Now serving' }).waitFor({ timeout: 20_000 });
  await page.waitForFunction(() => (globalThis as unknown as ProbeGlobals).__received > 0);
  return page;
};

/** The reference page: same origin, same stream, a bare handler. */
export const openBare = async (browser: Browser, base: string, clinic: Clinic): Promise<Page> => {
  const context = await browser.newContext({ viewport: TV });
  const page = await context.newPage();
  await page.goto(`${base}/health/live`);
  await page.evaluate(probeSource);
  await page.evaluate(
    `(${bareBoardSource})(${JSON.stringify({ boardId: clinic.board.id, token: clinic.board.token })})`,
  );
  return page;
};

const latencies = (page: Page): Promise<number[]> =>
  page.evaluate(() => (globalThis as unknown as ProbeGlobals).__latencies.splice(0));

const received = (page: Page): Promise<number> =>
  page.evaluate(() => (globalThis as unknown as ProbeGlobals).__received);

/**
 * `calls` call-next requests, one every `gapMs`, round-robin over the departments: each
 * puts a new ticket on the board. Returns event → DOM latencies for the app and the bare
 * reference, measured on the same events at the same time.
 */
export const measureCalls = async (
  port: number,
  clinic: Clinic,
  pages: { app: Page; bare: Page },
  calls: number,
  gapMs: number,
): Promise<{ app: LatencySummary; bare: LatencySummary }> => {
  await latencies(pages.app);
  await latencies(pages.bare);
  for (let i = 0; i < calls; i += 1) {
    const dep = clinic.departments[i % clinic.departments.length] as Clinic['departments'][number];
    await api(
      port,
      'POST',
      `/api/v1/departments/${dep.id}/call-next`,
      clinic.admin,
      { roomId: dep.roomId },
      200,
    );
    await sleep(gapMs);
  }
  await sleep(1_000);
  return {
    app: summarize(await latencies(pages.app)),
    bare: summarize(await latencies(pages.bare)),
  };
};

/** JS heap in use after a full collection (DevTools protocol). */
const heapAfterGc = async (page: Page): Promise<number> => {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('HeapProfiler.collectGarbage');
  await cdp.send('HeapProfiler.collectGarbage');
  const usage = await cdp.send('Runtime.getHeapUsage');
  await cdp.detach();
  return usage.usedSize;
};

/**
 * `events` recalls of the patients now called (each one a board update), then the board's
 * heap after GC compared with before: what a day of updates leaves behind.
 */
export const measureHeap = async (
  port: number,
  clinic: Clinic,
  app: Page,
  events: number,
): Promise<{ beforeBytes: number; afterBytes: number; delivered: number }> => {
  const called: { id: string; version: number }[] = [];
  for (const dep of clinic.departments) {
    const queue = await api<{ called: { id: string; version: number }[] }>(
      port,
      'GET',
      `/api/v1/departments/${dep.id}/queue`,
      clinic.admin,
      undefined,
      200,
    );
    called.push(...queue.called.map((v) => ({ id: v.id, version: v.version })));
  }
  if (called.length === 0) throw new Error('no called patient to recall');
  await sleep(500);
  const beforeBytes = await heapAfterGc(app);
  const start = await received(app);
  // One recall at a time, each awaited on the board: the server merges a burst of changes
  // into one board update, and this phase is about what `events` updates leave behind.
  for (let i = 0; (await received(app)) - start < events && i < events * 2; i += 1) {
    const visit = called[i % called.length] as { id: string; version: number };
    const seen = await received(app);
    const { visit: after } = await api<{ visit: { version: number } }>(
      port,
      'POST',
      `/api/v1/visits/${visit.id}/recall`,
      clinic.admin,
      { version: visit.version },
      200,
    );
    visit.version = after.version;
    await app
      .waitForFunction((n) => (globalThis as unknown as ProbeGlobals).__received > n, seen, {
        timeout: 5_000,
        polling: 5,
      })
      .catch(() => undefined);
  }
  const delivered = (await received(app)) - start;
  await sleep(1_000);
  return { beforeBytes, afterBytes: await heapAfterGc(app), delivered };
};
