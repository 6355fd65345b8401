import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { DeviceTokens, Fingerprinter, Randomness } from '../../application/ports.js';
import type { DeviceKind } from '../../domain/device.js';

/**
 * Random bytes served from a 4 KiB block, each byte handed out once — what randomUUID does
 * internally: one call into the CSPRNG per ~200 tokens instead of per token (each call
 * cost ~13 µs of a check-in's server time in issue 11's profile).
 */
let block = Buffer.alloc(0);
let used = 0;
const randomChunk = (n: number): Buffer => {
  if (used + n > block.length) {
    block = randomBytes(4096);
    used = 0;
  }
  const chunk = block.subarray(used, used + n);
  used += n;
  return chunk;
};

export const systemRandomness: Randomness = {
  uuid: () => randomUUID(),
  // 160 bits: unguessable; the link is the patient's only credential.
  publicToken: () => randomChunk(20).toString('base64url'),
};

const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');

const prefixes: Record<DeviceKind, string> = { kiosk: 'mqk_', board: 'mqb_' };

/**
 * Device tokens carry 256 random bits, so a fast hash is enough at rest (no dictionary to
 * attack); lookups are by hash, never by comparing the token itself.
 */
export const deviceTokens: DeviceTokens = {
  issue: (kind) => {
    const token = `${prefixes[kind]}${randomBytes(32).toString('base64url')}`;
    return { token, tokenHash: sha256(token) };
  },
  hash: sha256,
};

/** JSON with object keys sorted, so `{a,b}` and `{b,a}` fingerprint the same. */
const canonical = (value: unknown): string => {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
};

export const sha256Fingerprinter: Fingerprinter = {
  fingerprint: (body) => sha256(canonical(body)),
};
