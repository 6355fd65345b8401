import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Writable } from 'node:stream';
import type { PayloadKind } from './envelope.js';

/**
 * Backup files on disk: their names in a `--dir`, keeping the last BACKUP_KEEP of them, and
 * writing one so that a crash never leaves a file that looks complete.
 */

const EXTENSION = '.mqbak';
const namePattern = /^mediqueue-(postgres|embedded)-(\d{8}T\d{6}\.\d{3}Z)\.mqbak$/;

/** `mediqueue-postgres-20261130T020000.123Z.mqbak`: sorts by name in time order. */
export const backupFileName = (kind: PayloadKind, at: Date): string =>
  `mediqueue-${kind}-${at.toISOString().replace(/[-:]/g, '')}${EXTENSION}`;

/**
 * Which of `names` to delete so that the newest `keep` backups of `kind` remain. Only names
 * this command writes count; anything else in the directory is never touched.
 */
export const expiredBackups = (names: readonly string[], kind: PayloadKind, keep: number) =>
  names
    .filter((name) => namePattern.exec(name)?.[1] === kind)
    .sort()
    .reverse()
    .slice(Math.max(keep, 1));

/** Deletes what `expiredBackups` names in `dir`; returns the names deleted. */
export const pruneBackups = (dir: string, kind: PayloadKind, keep: number): string[] => {
  const expired = expiredBackups(fs.readdirSync(dir), kind, keep);
  for (const name of expired) fs.rmSync(path.join(dir, name));
  return expired;
};

/**
 * `write` streams into a temporary file beside `target` (owner-only), which is fsynced and
 * renamed into place once `write` has resolved. A failure removes the temporary file; an
 * existing `target` is replaced only by a complete backup.
 */
export const writeAtomically = async (
  target: string,
  write: (file: Writable) => Promise<void>,
): Promise<void> => {
  const partial = path.join(
    path.dirname(target),
    `.${path.basename(target)}.${randomBytes(4).toString('hex')}.partial`,
  );
  // Opened before `write` starts, so a missing directory fails here, not as a stray event.
  const fd = await new Promise<number>((resolve, reject) =>
    fs.open(partial, 'wx', 0o600, (err, opened) => (err === null ? resolve(opened) : reject(err))),
  );
  const stream = fs.createWriteStream(partial, { fd });
  try {
    await write(stream);
    await fsync(partial, 'r+');
    await fs.promises.rename(partial, target);
  } catch (err) {
    stream.destroy();
    await fs.promises.rm(partial, { force: true });
    throw err;
  }
  // The rename itself is durable once the directory is.
  await fsync(path.dirname(target), 'r');
};

const fsync = async (file: string, flags: 'r' | 'r+'): Promise<void> => {
  const handle = await fs.promises.open(file, flags);
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
};
