/**
 * One key per request the user makes, reused by its retries. `crypto.randomUUID` exists
 * only in secure contexts; a kiosk or reception desk on a clinic LAN over plain HTTP (the
 * embedded mode) has `getRandomValues` only.
 */
export const newIdempotencyKey = (): string => {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return `key-${Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')}`;
};
