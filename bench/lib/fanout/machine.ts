import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fdLimits } from '../procfs.js';
import { round } from '../stats.js';
import { log, repoRoot, type Settings } from './settings.js';

/** The server files on the measured path, by content hash (the tree changes often). */
const MEASURED_SOURCES = [
  'src/presentation/http/sse.ts',
  'src/presentation/http/routes/streams.routes.ts',
  'src/application/live/department-feeds.ts',
  'src/application/live/live-use-cases.ts',
  'src/infrastructure/redis/redis-bus.ts',
];

/** The code measured: HEAD and how many files differ from it (read-only git). */
const gitState = (): { head: string; changedFiles: number } | null => {
  try {
    const head = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: repoRoot })
      .toString()
      .trim();
    const dirty = execFileSync('git', ['status', '--porcelain'], { cwd: repoRoot })
      .toString()
      .split('\n')
      .filter((l) => l.trim() !== '').length;
    return { head, changedFiles: dirty };
  } catch {
    return null;
  }
};

const sourceHashes = (serverDir: string): Record<string, string | null> =>
  Object.fromEntries(
    MEASURED_SOURCES.map((f) => {
      try {
        const text = fs.readFileSync(path.join(serverDir, f));
        return [f, createHash('sha256').update(text).digest('hex').slice(0, 12)];
      } catch {
        return [f, null];
      }
    }),
  );

const ephemeralPorts = (): string => {
  try {
    return fs.readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim();
  } catch {
    return '?';
  }
};

/**
 * The machine and the code the run measures (recorded in the results), and the file
 * descriptors it may use: the client and the hub raise their limit to `wantFds`; the server
 * inherits ours, so a low soft limit is warned about before anything starts.
 */
export const inspectMachine = (cfg: Settings) => {
  const limits = fdLimits();
  const maxStreams = Math.max(...cfg.sizes, cfg.idleStreams, cfg.cycleStreams);
  const wantFds = Math.min(limits.hard, 65536);
  const machine = {
    cores: os.availableParallelism(),
    cpu: os.cpus()[0]?.model ?? '?',
    memoryGiB: round(os.totalmem() / 1024 ** 3, 1),
    loadAverageAtStart: os.loadavg().map((v) => round(v, 2)),
    node: process.version,
    fdLimitSoft: limits.soft,
    fdLimitHard: limits.hard,
    git: gitState(),
    sources: sourceHashes(cfg.serverDir),
    ephemeralPorts: ephemeralPorts(),
  };
  log(
    `${machine.cores} cores (${machine.cpu}), ${machine.memoryGiB} GiB, Node ${machine.node}; ulimit -n ${limits.soft} (hard ${limits.hard}); ephemeral ports ${machine.ephemeralPorts}`,
  );
  if (wantFds < maxStreams + 256) {
    log(
      `WARNING: the hard fd limit (${limits.hard}) is below ${maxStreams} streams + 256: the client cannot hold them all`,
    );
  }
  if (limits.soft < maxStreams + 256) {
    log(
      `WARNING: the server inherits ulimit -n ${limits.soft} (< ${maxStreams} + 256): it will refuse streams (EMFILE)`,
    );
  }
  return { machine, limits, wantFds };
};
export type Host = ReturnType<typeof inspectMachine>;
