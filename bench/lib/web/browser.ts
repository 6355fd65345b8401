import { chromium, type Browser } from 'playwright-core';

/** Debian's Chromium through playwright-core (nothing downloaded; docs/testing.md, "The browser"). */
export const launch = (): Promise<Browser> =>
  chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--autoplay-policy=no-user-gesture-required',
      // A board is a page nobody looks at: timers must not be throttled in the background.
      '--disable-background-timer-throttling',
      '--disable-renderer-backgrounding',
    ],
  });
