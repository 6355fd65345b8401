import { randomBytes } from 'node:crypto';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { describe, expect, it } from 'vitest';
import {
  BackupError,
  bufferSource,
  defaultScrypt,
  HEADER_LENGTH,
  openSealed,
  sealingStream,
  TAG_LENGTH,
  type BackupErrorCode,
  type PayloadKind,
  type ScryptParams,
} from './envelope.js';

// The smallest cost a header may name: the cases below are about the format, not the KDF.
const fast: ScryptParams = { N: 2 ** 14, r: 8, p: 1 };
const KEY = 'unit-test-backup-key-0123456789abcdef';

const collect = () => {
  const chunks: Buffer[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      chunks.push(chunk);
      done();
    },
  });
  return { sink, bytes: () => Buffer.concat(chunks) };
};

const seal = async (
  payload: Buffer | Buffer[],
  options: { kind?: PayloadKind; key?: string; params?: ScryptParams } = {},
): Promise<Buffer> => {
  const out = collect();
  const parts = Array.isArray(payload) ? payload : [payload];
  await pipeline(
    Readable.from(parts),
    await sealingStream(options.key ?? KEY, options.kind ?? 'postgres', options.params ?? fast),
    out.sink,
  );
  return out.bytes();
};

const open = async (file: Buffer, key = KEY) => {
  const out = collect();
  const header = await openSealed(bufferSource(file), key, out.sink);
  return { header, payload: out.bytes() };
};

const refusal = async (file: Buffer, key = KEY): Promise<BackupErrorCode> => {
  try {
    await open(file, key);
  } catch (err) {
    if (err instanceof BackupError) return err.code;
    throw err;
  }
  throw new Error('the file was accepted');
};

const flipped = (file: Buffer, at: number): Buffer => {
  const copy = Buffer.from(file);
  copy[at] = (copy[at] ?? 0) ^ 0x01;
  return copy;
};

describe('the backup envelope', () => {
  it('round-trips payloads of any size, in chunks of any size', async () => {
    for (const parts of [
      [Buffer.alloc(0)],
      [Buffer.from('x')],
      [randomBytes(70_000), randomBytes(3), Buffer.alloc(0), randomBytes(200_000)],
    ]) {
      const file = await seal(parts, { kind: 'embedded' });
      const whole = Buffer.concat(parts);
      expect(file.length).toBe(HEADER_LENGTH + whole.length + TAG_LENGTH);
      const { header, payload } = await open(file);
      expect(payload.equals(whole)).toBe(true);
      expect(header).toMatchObject({ version: 1, kind: 'embedded', scrypt: fast });
    }
  });

  it('writes the documented header and never repeats a salt or nonce', async () => {
    const a = await seal(Buffer.from('same payload'));
    const b = await seal(Buffer.from('same payload'));
    expect(a.subarray(0, 12).toString('hex')).toBe('4d514241434b5550' + '01' + '01' + '01' + '01');
    expect(a.readUInt32BE(12)).toBe(2 ** 14);
    expect([a.readUInt32BE(16), a.readUInt32BE(20)]).toEqual([8, 1]);
    expect(a.subarray(24, 52).equals(b.subarray(24, 52))).toBe(false); // salt + nonce
    expect(a.subarray(HEADER_LENGTH).equals(b.subarray(HEADER_LENGTH))).toBe(false);
  });

  it('opens a file sealed with the default (production) scrypt cost', async () => {
    const file = await seal(Buffer.from('payload'), { params: defaultScrypt });
    expect(file.readUInt32BE(12)).toBe(2 ** 17);
    expect((await open(file)).payload.toString()).toBe('payload');
  });

  it('refuses a wrong key, and says so', async () => {
    const file = await seal(randomBytes(1000));
    expect(await refusal(file, `${KEY}x`)).toBe('wrong-key');
    expect(await refusal(file, '')).toBe('wrong-key');
  });

  it.each([
    ['magic', 0, 'not-a-backup'],
    ['format version', 8, 'unsupported-format'],
    ['payload kind (postgres → a kind that does not exist)', 9, 'unsupported-format'],
    ['KDF', 10, 'unsupported-format'],
    ['cipher', 11, 'unsupported-format'],
    ['scrypt N', 14, 'unsupported-format'],
    ['scrypt r', 19, 'wrong-key'],
    ['salt', 30, 'wrong-key'],
    ['nonce', 45, 'corrupted'],
    ['key check', 60, 'wrong-key'],
  ] as const)('refuses a flipped byte in the header: %s', async (_field, at, code) => {
    expect(await refusal(flipped(await seal(randomBytes(1000)), at), KEY)).toBe(code);
  });

  it('refuses a header whose kind was switched to the other valid kind (it is authenticated)', async () => {
    const file = await seal(randomBytes(100), { kind: 'postgres' });
    const switched = Buffer.from(file);
    switched[9] = 2; // embedded
    expect(await refusal(switched)).toBe('corrupted');
  });

  it('refuses a flipped byte anywhere in the ciphertext or the tag', async () => {
    const file = await seal(randomBytes(5000));
    const tagStart = file.length - TAG_LENGTH;
    for (const at of [
      HEADER_LENGTH,
      HEADER_LENGTH + 2500,
      tagStart - 1,
      tagStart,
      file.length - 1,
    ]) {
      expect(await refusal(flipped(file, at)), `byte ${at}`).toBe('corrupted');
    }
  });

  it.each([
    ['the last byte', (f: Buffer) => f.subarray(0, f.length - 1), 'corrupted'],
    ['the tag', (f: Buffer) => f.subarray(0, f.length - TAG_LENGTH), 'corrupted'],
    ['half the ciphertext', (f: Buffer) => f.subarray(0, HEADER_LENGTH + 1000), 'corrupted'],
    ['into the header', (f: Buffer) => f.subarray(0, 40), 'truncated'],
    ['everything after the magic', (f: Buffer) => f.subarray(0, 5), 'truncated'],
    ['everything', (f: Buffer) => f.subarray(0, 0), 'truncated'],
  ] as const)('refuses a file cut short: %s', async (_what, cut, code) => {
    expect(await refusal(cut(await seal(randomBytes(3000))))).toBe(code);
  });

  it('refuses bytes appended to the end', async () => {
    const file = await seal(randomBytes(3000));
    expect(await refusal(Buffer.concat([file, Buffer.from([0])]))).toBe('corrupted');
  });

  it('refuses a file that is not a backup', async () => {
    expect(await refusal(Buffer.from('PGDMP\x01\x0e\x00 a plain pg_dump archive'))).toBe(
      'not-a-backup',
    );
  });

  it('refuses, before deriving anything, a header that asks for an absurd scrypt cost', async () => {
    const file = await seal(randomBytes(10));
    file.writeUInt32BE(2 ** 31, 12);
    expect(await refusal(file)).toBe('unsupported-format');
    file.writeUInt32BE(2 ** 20, 12);
    file.writeUInt32BE(32, 16); // 4 GiB
    expect(await refusal(file)).toBe('unsupported-format');
  });
});
