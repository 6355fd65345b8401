import {
  createCipheriv,
  createDecipheriv,
  createHmac,
  randomBytes,
  scrypt,
  timingSafeEqual,
} from 'node:crypto';
import fs from 'node:fs';
import { Readable, Transform, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

/**
 * The encrypted backup file (docs/backup-format.md): a fixed header, the payload encrypted
 * with AES-256-GCM as one stream, and the 16-byte GCM tag at the very end.
 *
 *   0  8  magic "MQBACKUP"            24 16  scrypt salt (random per file)
 *   8  1  format version (1)          40 12  GCM nonce (random per file)
 *   9  1  payload kind                52 16  key check
 *  10  1  KDF (1 = scrypt)            68  …  ciphertext (AAD = bytes 0–67)
 *  11  1  cipher (1 = AES-256-GCM)   end-16  GCM tag
 *  12 12  scrypt N, r, p (uint32 BE each)
 *
 * GCM authenticates only when the whole stream has been read, so whoever decrypts must
 * hold the plaintext back (a temporary file) until `openSealed` has resolved.
 */

export const MAGIC = Buffer.from('MQBACKUP', 'ascii');
export const FORMAT_VERSION = 1;
export const HEADER_LENGTH = 68;
export const TAG_LENGTH = 16;
const KDF_SCRYPT = 1;
const CIPHER_AES_256_GCM = 1;
const SALT_LENGTH = 16;
const NONCE_LENGTH = 12;
const KEY_CHECK_LENGTH = 16;
const KEY_CHECK_INPUT = 'MediQue backup key check';
/** One GCM message holds at most 2^32 − 2 blocks of 16 bytes (NIST SP 800-38D). */
const MAX_PAYLOAD_BYTES = (2 ** 32 - 2) * 16;

/** What the ciphertext holds; restore refuses a kind that does not match its database. */
export const payloadKinds = { postgres: 1, embedded: 2 } as const;
export type PayloadKind = keyof typeof payloadKinds;

export interface ScryptParams {
  readonly N: number;
  readonly r: number;
  readonly p: number;
}

/** OWASP's scrypt floor: 128 MiB and about half a second per backup or restore on 2 cores. */
export const defaultScrypt: ScryptParams = { N: 2 ** 17, r: 8, p: 1 };

/**
 * What a header may ask for: at least 2^14 (tests), at most 1 GiB of memory. A header is
 * read before it is authenticated, so a forged one must not make restore allocate 64 GiB.
 */
const scryptProblem = ({ N, r, p }: ScryptParams): string | null => {
  const powerOfTwo = Number.isInteger(Math.log2(N));
  if (!powerOfTwo || N < 2 ** 14 || N > 2 ** 22) return `scrypt N=${N} is out of range`;
  if (r < 1 || r > 32 || p < 1 || p > 16) return `scrypt r=${r}, p=${p} are out of range`;
  if (128 * N * r * p > 2 ** 30) return 'scrypt parameters need more than 1 GiB';
  return null;
};

export type BackupErrorCode =
  'not-a-backup' | 'unsupported-format' | 'truncated' | 'wrong-key' | 'corrupted' | 'too-large';

/** A file that cannot be opened, with a message for the person running restore. */
export class BackupError extends Error {
  override readonly name = 'BackupError';
  constructor(
    readonly code: BackupErrorCode,
    message: string,
  ) {
    super(message);
  }
}

export interface Header {
  readonly version: number;
  readonly kind: PayloadKind;
  readonly scrypt: ScryptParams;
  readonly salt: Buffer;
  readonly nonce: Buffer;
  readonly keyCheck: Buffer;
  /** All 68 bytes, the GCM additional data. */
  readonly bytes: Buffer;
}

interface Keys {
  readonly cipherKey: Buffer;
  readonly keyCheck: Buffer;
}

/** scrypt → 64 bytes: the AES key, then the key-check key. */
const deriveKeys = (passphrase: string, salt: Buffer, params: ScryptParams): Promise<Keys> =>
  new Promise((resolve, reject) => {
    const maxmem = 128 * params.r * (params.N + params.p + 2) + 2 ** 20;
    scrypt(passphrase, salt, 64, { ...params, maxmem }, (err, derived) => {
      if (err !== null) return reject(err);
      const checkKey = derived.subarray(32);
      resolve({
        cipherKey: derived.subarray(0, 32),
        keyCheck: createHmac('sha256', checkKey)
          .update(KEY_CHECK_INPUT)
          .digest()
          .subarray(0, KEY_CHECK_LENGTH),
      });
    });
  });

const encodeHeader = (kind: PayloadKind, params: ScryptParams, keys: Keys, salt: Buffer) => {
  const header = Buffer.alloc(HEADER_LENGTH);
  MAGIC.copy(header, 0);
  header.writeUInt8(FORMAT_VERSION, 8);
  header.writeUInt8(payloadKinds[kind], 9);
  header.writeUInt8(KDF_SCRYPT, 10);
  header.writeUInt8(CIPHER_AES_256_GCM, 11);
  header.writeUInt32BE(params.N, 12);
  header.writeUInt32BE(params.r, 16);
  header.writeUInt32BE(params.p, 20);
  salt.copy(header, 24);
  const nonce = randomBytes(NONCE_LENGTH);
  nonce.copy(header, 40);
  keys.keyCheck.copy(header, 52);
  return { header, nonce };
};

/** Parses and range-checks a header; nothing in it is trusted until the tag verifies. */
export const parseHeader = (bytes: Buffer, fileSize: number): Header => {
  if (fileSize === 0) throw new BackupError('truncated', 'it is empty');
  const prefix = bytes.subarray(0, MAGIC.length);
  if (!MAGIC.subarray(0, prefix.length).equals(prefix)) {
    throw new BackupError('not-a-backup', 'it is not a MediQue backup (no MQBACKUP header)');
  }
  if (bytes.length < HEADER_LENGTH || fileSize < HEADER_LENGTH + TAG_LENGTH) {
    throw new BackupError(
      'truncated',
      `it is truncated: ${fileSize} bytes, shorter than the smallest backup (${HEADER_LENGTH + TAG_LENGTH})`,
    );
  }
  const version = bytes.readUInt8(8);
  if (version !== FORMAT_VERSION) {
    throw new BackupError(
      'unsupported-format',
      `it is in backup format version ${version}; this MediQue reads version ${FORMAT_VERSION}`,
    );
  }
  const kindId = bytes.readUInt8(9);
  const kind = (Object.keys(payloadKinds) as PayloadKind[]).find((k) => payloadKinds[k] === kindId);
  if (
    kind === undefined ||
    bytes.readUInt8(10) !== KDF_SCRYPT ||
    bytes.readUInt8(11) !== CIPHER_AES_256_GCM
  ) {
    throw new BackupError(
      'unsupported-format',
      'its header names a payload, KDF or cipher this MediQue does not know (the header was changed?)',
    );
  }
  const params = {
    N: bytes.readUInt32BE(12),
    r: bytes.readUInt32BE(16),
    p: bytes.readUInt32BE(20),
  };
  const problem = scryptProblem(params);
  if (problem !== null) {
    throw new BackupError('unsupported-format', `its header is invalid: ${problem}`);
  }
  return {
    version,
    kind,
    scrypt: params,
    salt: Buffer.from(bytes.subarray(24, 24 + SALT_LENGTH)),
    nonce: Buffer.from(bytes.subarray(40, 40 + NONCE_LENGTH)),
    keyCheck: Buffer.from(bytes.subarray(52, 52 + KEY_CHECK_LENGTH)),
    bytes: Buffer.from(bytes.subarray(0, HEADER_LENGTH)),
  };
};

/**
 * A stream that turns the payload into a backup file: header first, ciphertext as the
 * payload arrives (nothing is held in memory), the tag when the payload ends.
 */
export const sealingStream = async (
  passphrase: string,
  kind: PayloadKind,
  params: ScryptParams = defaultScrypt,
): Promise<Transform> => {
  const problem = scryptProblem(params);
  if (problem !== null) throw new Error(problem);
  const salt = randomBytes(SALT_LENGTH);
  const keys = await deriveKeys(passphrase, salt, params);
  const { header, nonce } = encodeHeader(kind, params, keys, salt);
  const cipher = createCipheriv('aes-256-gcm', keys.cipherKey, nonce, {
    authTagLength: TAG_LENGTH,
  });
  cipher.setAAD(header);
  let written = 0;
  const sealing = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      written += chunk.length;
      if (written > MAX_PAYLOAD_BYTES) {
        done(
          new BackupError(
            'too-large',
            'the payload exceeds 64 GiB, the limit of one AES-GCM message',
          ),
        );
        return;
      }
      done(null, cipher.update(chunk));
    },
    flush(done) {
      const last = cipher.final();
      if (last.length > 0) this.push(last);
      done(null, cipher.getAuthTag());
    },
  });
  sealing.push(header);
  return sealing;
};

/** Random access to a sealed file (a file on disk, or a buffer in unit tests). */
export interface SealedSource {
  readonly size: number;
  /** Bytes [start, end). */
  read(start: number, end: number): Readable;
}

export const bufferSource = (buffer: Buffer): SealedSource => ({
  size: buffer.length,
  read: (start, end) => Readable.from([buffer.subarray(start, end)]),
});

export const fileSource = async (file: string): Promise<SealedSource> => {
  const { size } = await fs.promises.stat(file);
  return {
    size,
    read: (start, end) =>
      end <= start ? Readable.from([]) : fs.createReadStream(file, { start, end: end - 1 }),
  };
};

const readRange = async (source: SealedSource, start: number, end: number): Promise<Buffer> => {
  const chunks: Buffer[] = [];
  for await (const chunk of source.read(start, end)) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
};

/**
 * Decrypts `source` into `sink` and resolves with its header once the tag has verified.
 * Until then whatever reached `sink` is unauthenticated: the caller discards it on a
 * rejection and must not use it before the promise resolves.
 */
export const openSealed = async (
  source: SealedSource,
  passphrase: string,
  sink: Writable,
): Promise<Header> => {
  const header = parseHeader(
    await readRange(source, 0, Math.min(HEADER_LENGTH, source.size)),
    source.size,
  );
  const keys = await deriveKeys(passphrase, header.salt, header.scrypt);
  if (!timingSafeEqual(keys.keyCheck, header.keyCheck)) {
    throw new BackupError(
      'wrong-key',
      'BACKUP_ENCRYPTION_KEY is not the key it was made with (or its header was changed)',
    );
  }
  const tag = await readRange(source, source.size - TAG_LENGTH, source.size);
  const decipher = createDecipheriv('aes-256-gcm', keys.cipherKey, header.nonce, {
    authTagLength: TAG_LENGTH,
  });
  decipher.setAAD(header.bytes);
  decipher.setAuthTag(tag);
  try {
    await pipeline(source.read(HEADER_LENGTH, source.size - TAG_LENGTH), decipher, sink);
  } catch (err) {
    // OpenSSL's "unable to authenticate data": the tag does not match what was read.
    if (err instanceof Error && /authenticate/i.test(err.message)) {
      throw new BackupError(
        'corrupted',
        'it failed authentication: it was changed or truncated after it was written',
      );
    }
    throw err;
  }
  return header;
};
