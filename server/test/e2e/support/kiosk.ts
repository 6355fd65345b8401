import jsqr from 'jsqr';
import { sql } from 'kysely';
import type { Locator, Page } from 'playwright-core';
import { PNG } from 'pngjs';
import { bearer, type TestApp } from '../../support/app.js';
import type { WebApp } from './web.js';

/**
 * Helpers for the kiosk's end-to-end tests (kiosk.e2e.int.test.ts): departments with
 * names a patient would read, the visits a check-in made, and the QR code on screen read
 * back by a QR library as a phone camera would.
 */

/** A department (with one room) named as a clinic would name it, through the admin API. */
export const createNamedDepartment = async (
  t: TestApp,
  code: string,
  name: string,
): Promise<{ id: string }> => {
  const headers = bearer(await t.adminToken());
  const res = await t.app.inject({
    method: 'POST',
    url: '/api/v1/admin/departments',
    headers,
    payload: { code, name },
  });
  if (res.statusCode !== 201) throw new Error(`create department: ${res.statusCode} ${res.body}`);
  const id = res.json<{ department: { id: string } }>().department.id;
  const room = await t.app.inject({
    method: 'POST',
    url: `/api/v1/admin/departments/${id}/rooms`,
    headers,
    payload: { name: 'Room 1' },
  });
  if (room.statusCode !== 201) throw new Error(`create room: ${room.statusCode} ${room.body}`);
  return { id };
};

/** Revokes the kiosk holding `token`, as an admin does from the console. */
export const revokeKiosk = async (t: TestApp, token: string): Promise<void> => {
  const me = await t.app.inject({ method: 'GET', url: '/api/v1/device', headers: bearer(token) });
  const { id } = me.json<{ device: { id: string } }>().device;
  const res = await t.app.inject({
    method: 'DELETE',
    url: `/api/v1/admin/kiosks/${id}`,
    headers: bearer(await t.adminToken()),
  });
  if (res.statusCode !== 204) throw new Error(`revoke kiosk: ${res.statusCode} ${res.body}`);
};

export interface VisitRow {
  readonly ticket: string;
  readonly publicToken: string;
  readonly displayName: string | null;
  readonly priority: string;
}

/** Every visit of a department, straight from the database: what really exists. */
export const visitsOf = async (web: WebApp, departmentId: string): Promise<VisitRow[]> => {
  const { rows } = await sql<VisitRow>`
    SELECT ticket, public_token AS "publicToken", display_name AS "displayName", priority
    FROM visits WHERE department_id = ${departmentId} ORDER BY seq`.execute(web.db.handle.db);
  return rows;
};

/** Reads a QR code from what the screen shows (an element screenshot), like a phone. */
export const readQrCode = async (image: Locator): Promise<string | null> => {
  const png = PNG.sync.read(await image.screenshot());
  const decode = jsqr.default;
  return decode(new Uint8ClampedArray(png.data), png.width, png.height)?.data ?? null;
};

/** Counts `window.print()` calls instead of printing (set before the page loads). */
export const recordPrints = async (page: Page): Promise<() => Promise<number>> => {
  // These functions run in the page (no DOM types on the server side: hence the casts).
  await page.addInitScript(() => {
    const w = globalThis as unknown as { printed: number; print: () => void };
    w.printed = 0;
    w.print = () => {
      w.printed += 1;
    };
  });
  return () => page.evaluate(() => (globalThis as unknown as { printed: number }).printed);
};
