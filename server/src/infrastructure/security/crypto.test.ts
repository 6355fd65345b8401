import { describe, expect, it } from 'vitest';
import { systemRandomness } from './crypto.js';

describe('systemRandomness.publicToken', () => {
  it('gives 160-bit base64url tokens, never twice, across refills of its random block', () => {
    // 1,000 tokens of 20 bytes span five 4 KiB blocks.
    const tokens = Array.from({ length: 1000 }, () => systemRandomness.publicToken());
    expect(new Set(tokens).size).toBe(1000);
    for (const t of tokens) expect(t).toMatch(/^[A-Za-z0-9_-]{27}$/);
  });
});
