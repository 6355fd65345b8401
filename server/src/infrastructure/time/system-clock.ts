import type { Clock } from '../../application/ports.js';

/** setTimeout's longest delay (~24.8 days); a later moment is re-armed on the way. */
const MAX_DELAY = 2 ** 31 - 1;

const wakeAt = (at: Date, wake: () => void): (() => void) => {
  let timer: ReturnType<typeof setTimeout> | null = null;
  const arm = (): void => {
    const delay = at.getTime() - Date.now();
    timer = setTimeout(
      () => {
        timer = null;
        if (Date.now() >= at.getTime()) wake();
        else arm();
      },
      Math.min(MAX_DELAY, Math.max(0, delay)),
    );
    timer.unref(); // a moment to wait for never keeps the process alive
  };
  arm();
  return () => {
    if (timer !== null) clearTimeout(timer);
    timer = null;
  };
};

/**
 * The only place the application reads the wall clock. Everything else — use cases,
 * repositories (passed into SQL as a parameter), token signing — takes a Clock, so a test
 * clock is the only time the code under test sees (docs/architecture.md).
 */
export const systemClock: Clock = { now: () => new Date(), wakeAt };
