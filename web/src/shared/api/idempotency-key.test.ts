import { describe, expect, it, vi } from 'vitest';
import { newIdempotencyKey } from './idempotency-key';

describe('newIdempotencyKey', () => {
  it('is new every time', () => {
    expect(newIdempotencyKey()).not.toBe(newIdempotencyKey());
  });

  it('works without crypto.randomUUID (plain HTTP on a clinic LAN)', () => {
    const real = globalThis.crypto;
    vi.stubGlobal('crypto', {
      getRandomValues: <T extends ArrayBufferView>(array: T): T => real.getRandomValues(array),
    });
    try {
      const key = newIdempotencyKey();
      expect(key).toMatch(/^key-[0-9a-f]{32}$/);
      expect(key).not.toBe(newIdempotencyKey());
    } finally {
      vi.unstubAllGlobals();
    }
  });
});
