import fs from 'node:fs';
import path from 'node:path';
import type { Logger } from 'pino';

/**
 * PGlite takes no lock of its own, and two processes on one data directory corrupt it
 * (docs/adr/0004-pglite-dialect.md). The lockfile holds the owner's pid; a pid that no longer runs means the owner
 * died without closing, and the lock is stale.
 */

/** Locks this process holds. A lockfile with our own pid that is not in here is stale:
 * a restarted container typically gets the same pid (1) as the run that left it. */
const held = new Set<string>();

const isAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code !== 'ESRCH'; // EPERM: alive, someone else's
  }
};

/** `undefined` when the file is gone or holds no pid (an owner that died mid-write). */
const readPid = (file: string): number | undefined => {
  try {
    const pid = Number.parseInt(fs.readFileSync(file, 'utf8'), 10);
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
};

/** The data directory is held by another live process (a server, or another command). */
export class DataDirBusyError extends Error {
  override readonly name = 'DataDirBusyError';
  constructor(
    readonly dir: string,
    readonly pid: number,
  ) {
    super(`another MediQue process is using ${dir} (pid ${pid})`);
  }
}

/** Takes `file` for this process or throws at once; returns the release function. */
export const acquireLockfile = (file: string, dir: string, logger?: Logger): (() => void) => {
  const lockPath = path.resolve(file);
  // A few rounds, because a stale file removed here may be retaken by a racing process.
  for (let round = 0; round < 3; round++) {
    try {
      // 'wx' fails if the file exists: creation is the atomic test-and-set.
      const fd = fs.openSync(lockPath, 'wx');
      try {
        fs.writeSync(fd, `${process.pid}\n`);
      } finally {
        fs.closeSync(fd);
      }
      held.add(lockPath);
      return () => releaseLockfile(lockPath);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    const pid = readPid(lockPath);
    if (pid === process.pid && held.has(lockPath)) {
      throw new Error(`MediQue is already using ${dir} in this process (pid ${pid})`);
    }
    if (pid !== undefined && pid !== process.pid && isAlive(pid)) {
      throw new DataDirBusyError(dir, pid);
    }
    logger?.warn({ lockfile: lockPath, pid }, 'taking over a stale lockfile');
    fs.rmSync(lockPath, { force: true });
  }
  throw new Error(`could not take the lockfile ${lockPath}: it keeps reappearing`);
};

const releaseLockfile = (lockPath: string): void => {
  if (!held.delete(lockPath)) return;
  // Remove only our own file; never one another process has taken over meanwhile.
  if (readPid(lockPath) === process.pid) fs.rmSync(lockPath, { force: true });
};
