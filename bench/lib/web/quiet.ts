import fs from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

/** Busy CPU seconds of the whole machine since boot (Linux /proc/stat), or null. */
const machineBusySeconds = (): number | null => {
  try {
    const fields = (fs.readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '')
      .trim()
      .split(/\s+/)
      .slice(1)
      .map(Number);
    const [user = 0, nice = 0, system = 0, , , irq = 0, softirq = 0, steal = 0] = fields;
    return (user + nice + system + irq + softirq + steal) / 100;
  } catch {
    return null;
  }
};

/**
 * The quiet-machine check: cores busy over `ms` before the run. Browser timings on a 2-core
 * machine shared with a test suite mean little; the report says how quiet it was.
 */
export const coresBusy = async (ms = 2_000): Promise<number | null> => {
  const a = machineBusySeconds();
  await sleep(ms);
  const b = machineBusySeconds();
  return a === null || b === null ? null : (b - a) / (ms / 1000);
};

export const QUIET_CORES = 0.3;
