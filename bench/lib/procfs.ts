import { execFileSync } from 'node:child_process';
import fs from 'node:fs';

/** Per-process figures from /proc (Linux): CPU seconds, resident memory, open descriptors. */

const clockTicks = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;
  } catch {
    return 100;
  }
})();

/** utime + stime of a process in seconds, or null if it is gone. */
export const cpuSeconds = (pid: number): number | null => {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // fields[0] is field 3 (state); utime and stime are fields 14 and 15.
    return (Number(fields[11]) + Number(fields[12])) / clockTicks;
  } catch {
    return null;
  }
};

/** VmRSS (bytes) from /proc/<pid>/status, or null. */
export const rssBytes = (pid: number): number | null => {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const m = /^VmRSS:\s+(\d+)\s+kB/m.exec(status);
    return m?.[1] === undefined ? null : Number(m[1]) * 1024;
  } catch {
    return null;
  }
};

/** Open file descriptors of a process (sockets included), or null. */
export const fdCount = (pid: number): number | null => {
  try {
    return fs.readdirSync(`/proc/${pid}/fd`).length;
  } catch {
    return null;
  }
};

/** `ulimit -n` (soft) and `ulimit -Hn` (hard) of a shell started from here. */
export const fdLimits = (): { soft: number; hard: number } => {
  const read = (flag: string): number => {
    const out = execFileSync('bash', ['-c', `ulimit ${flag}`])
      .toString()
      .trim();
    return out === 'unlimited' ? Number.MAX_SAFE_INTEGER : Number(out);
  };
  return { soft: read('-n'), hard: read('-Hn') };
};

/** Loopback TCP sockets by state (from `ss -Htan`), e.g. TIME-WAIT, ESTAB; null without ss. */
export const loopbackSocketStates = (): Record<string, number> | null => {
  try {
    const out = execFileSync('ss', ['-Htan'], { maxBuffer: 64 * 1024 * 1024 }).toString();
    const counts: Record<string, number> = {};
    for (const line of out.split('\n')) {
      const state = line.trim().split(/\s+/)[0];
      if (state === undefined || state === '') continue;
      counts[state] = (counts[state] ?? 0) + 1;
    }
    return counts;
  } catch {
    return null;
  }
};
