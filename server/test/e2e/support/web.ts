import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { AxeBuilder } from '@axe-core/playwright';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, expect } from 'vitest';
import { serverDir } from '../../support/process.js';
import { listen, startTestApp, testConfig, type TestApp } from '../../support/app.js';
import { freshPostgres, type TestDatabase } from '../../support/postgres.js';

/**
 * End-to-end support for the web app: Debian's Chromium through playwright-core (nothing
 * downloaded; docs/testing.md, "The browser"), a real server on Postgres and Redis serving the built web app
 * (`web/dist`, built by `npm test` before the server suites run), axe-core, screenshots.
 */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  // A waiting-room TV plays its chime without anyone touching it (deployments set this too).
  '--autoplay-policy=no-user-gesture-required',
];
export const WEB_DIST = path.resolve(serverDir, '../web/dist');
export const SCREENSHOTS = path.resolve(serverDir, '../docs/screenshots');
export const redisUrl =
  process.env.TEST_REDIS_URL ?? process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

/** A missing browser or build fails the file on purpose: browser tests never skip. */
export const launchBrowser = async (): Promise<Browser> => {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `Chromium not found at ${CHROMIUM}: install it (apt-get install -y chromium; .ci/run does) ` +
        'or point CHROMIUM_PATH at a Chromium/Chrome binary. Browser tests do not skip.',
    );
  }
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
};

export interface WebApp {
  readonly t: TestApp;
  readonly db: TestDatabase;
  /** `http://127.0.0.1:<port>`: the app and the API on one origin, as in production. */
  readonly base: string;
  close(): Promise<void>;
}

/** The real server (Postgres + Redis) listening on a free port and serving web/dist. */
export const startWebApp = async (env: NodeJS.ProcessEnv = {}): Promise<WebApp> => {
  if (!existsSync(path.join(WEB_DIST, 'index.html'))) {
    throw new Error(`${WEB_DIST}/index.html is missing: run \`npm run build -w web\` first.`);
  }
  const db = await freshPostgres();
  const t = await startTestApp(db.handle, {
    config: testConfig({ REDIS_URL: redisUrl, ...env }),
    webDistDir: WEB_DIST,
  });
  const base = await listen(t.app);
  return {
    t,
    db,
    base,
    close: async () => {
      await t.close();
      await db.drop();
    },
  };
};

/**
 * A new context (its own localStorage and cookies: one person, one device) with the
 * viewport of the device it plays, failing the test on any CSP violation or page error.
 */
export const newDevice = async (
  browser: Browser,
  viewport: { width: number; height: number },
  options: { locale?: string } = {},
): Promise<{ context: BrowserContext; page: Page; problems: string[] }> => {
  const context = await browser.newContext({ viewport, locale: options.locale ?? 'en-GB' });
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error' && /Content Security Policy|Refused to/i.test(message.text())) {
      problems.push(`CSP: ${message.text()}`);
    }
  });
  return { context, page, problems };
};

/** axe-core: no serious or critical violation on what the page shows now. */
export const expectAccessible = async (page: Page, label: string): Promise<void> => {
  const results = await new AxeBuilder({ page }).analyze();
  const bad = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  expect(
    bad.map(
      (v) =>
        `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`,
    ),
    `axe on ${label}`,
  ).toEqual([]);
};

/** Writes docs/screenshots/<name>.png (committed, shown in the README). */
export const screenshot = async (page: Page, name: string): Promise<void> => {
  await mkdir(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage: false });
};

/** Phone, kiosk and TV viewports the screens are designed for. */
export const viewports = {
  phone: { width: 360, height: 740 },
  kioskPortrait: { width: 1080, height: 1920 },
  kioskLandscape: { width: 1920, height: 1080 },
  tv: { width: 1920, height: 1080 },
} as const;

/**
 * A test file's server and Chromium: started once before its tests, closed after them; a
 * device opened with `device()` is closed after its own test. `web` and `browser` exist
 * from the first hook on: read them inside tests and hooks, not at module level.
 */
export const browserSuite = (env: NodeJS.ProcessEnv = {}) => {
  let web: WebApp | undefined;
  let browser: Browser | undefined;
  const open: BrowserContext[] = [];
  beforeAll(async () => {
    [web, browser] = await Promise.all([startWebApp(env), launchBrowser()]);
  });
  afterEach(async () => {
    for (const c of open.splice(0)) await c.close();
  });
  afterAll(async () => {
    await browser?.close();
    await web?.close();
  });
  const started = <T>(value: T | undefined, what: string): T => {
    if (value === undefined)
      throw new Error(`${what} is not started yet: use it in a test or hook`);
    return value;
  };
  return {
    get web(): WebApp {
      return started(web, 'The server');
    },
    get browser(): Browser {
      return started(browser, 'Chromium');
    },
    /** Closes `context` after the current test. */
    closeAfterTest: (context: BrowserContext): void => {
      open.push(context);
    },
    /** A new browser context and page (`newDevice`), closed after the current test. */
    device: async (
      viewport: { width: number; height: number },
      options: { locale?: string } = {},
    ): ReturnType<typeof newDevice> => {
      const device = await newDevice(started(browser, 'Chromium'), viewport, options);
      open.push(device.context);
      return device;
    },
  };
};
