import type { Clock } from '../../application/ports.js';

/**
 * The only place the application reads the wall clock. Everything else — use cases,
 * repositories (passed into SQL as a parameter), token signing — takes a Clock, so a test
 * clock is the only time the code under test sees (docs/architecture.md).
 */
export const systemClock: Clock = { now: () => new Date() };
