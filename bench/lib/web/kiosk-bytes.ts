import { gzipSync } from 'node:zlib';
import type { Browser } from 'playwright-core';

/**
 * What a kiosk downloads on its first load: every JavaScript file the page fetches until
 * the network is idle, each gzip-compressed as a server or proxy would send it.
 */
export const kioskFirstLoad = async (
  browser: Browser,
  base: string,
  kioskToken: string,
): Promise<{ files: number; rawBytes: number; gzipBytes: number }> => {
  const context = await browser.newContext({ viewport: { width: 1080, height: 1920 } });
  const page = await context.newPage();
  const bodies: Promise<Buffer>[] = [];
  page.on('response', (response) => {
    if (response.request().resourceType() === 'script') bodies.push(response.body());
  });
  await page.goto(`${base}/kiosk#pair=${kioskToken}`, { waitUntil: 'networkidle' });
  const files = await Promise.all(bodies);
  await context.close();
  return {
    files: files.length,
    rawBytes: files.reduce((n, b) => n + b.length, 0),
    gzipBytes: files.reduce((n, b) => n + gzipSync(b, { level: 9 }).length, 0),
  };
};
