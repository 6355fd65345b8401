import type { Chime, ChimeOutcome } from './announcement-queue';

/** The part of an AudioContext the chime uses (tests pass a fake). */
export type ChimeContext = Pick<
  AudioContext,
  'state' | 'resume' | 'currentTime' | 'destination' | 'createOscillator' | 'createGain'
>;

export interface AudioChime extends Chime {
  /** Whether this page may play sound now, without anyone pressing anything first. */
  allowed(): Promise<boolean>;
  /** From a press ("Turn on announcements"): lets sound play from now on. */
  unlock(): Promise<boolean>;
}

/** A two-note "ding-dong" (E5 then C5), each note ringing out. */
const NOTES = [
  { hz: 659.25, at: 0 },
  { hz: 523.25, at: 0.45 },
] as const;
const NOTE_SECONDS = 0.9;
/** Until the last note has faded: speech starts after it, not over it. */
export const CHIME_MS = 1_400;
/** Without a user gesture, `resume()` neither resolves nor rejects: never wait on it long. */
const RESUME_WAIT_MS = 300;

const delay = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

const browserContext = (): ChimeContext | null =>
  typeof AudioContext === 'undefined' ? null : new AudioContext();

/** Read afresh each time: `resume()` changes it behind TypeScript's back. */
const isRunning = (c: ChimeContext): boolean => c.state === 'running';

const ring = (context: ChimeContext, hz: number, at: number): void => {
  const oscillator = context.createOscillator();
  const gain = context.createGain();
  oscillator.type = 'sine';
  oscillator.frequency.value = hz;
  gain.gain.setValueAtTime(0.0001, at);
  gain.gain.exponentialRampToValueAtTime(0.6, at + 0.02);
  gain.gain.exponentialRampToValueAtTime(0.0001, at + NOTE_SECONDS);
  oscillator.connect(gain).connect(context.destination);
  oscillator.start(at);
  oscillator.stop(at + NOTE_SECONDS + 0.05);
};

/**
 * The chime, synthesised with the Web Audio API: no file to fetch, and nothing inline for
 * the Content-Security-Policy to refuse. The AudioContext is made on first use.
 */
export const makeWebAudioChime = (
  createContext: () => ChimeContext | null = browserContext,
  wait: (ms: number) => Promise<void> = delay,
): AudioChime => {
  let context: ChimeContext | null | undefined;
  const get = (): ChimeContext | null => {
    if (context === undefined) {
      try {
        context = createContext();
      } catch {
        context = null;
      }
    }
    return context;
  };
  const running = async (c: ChimeContext): Promise<boolean> => {
    if (isRunning(c)) return true;
    await Promise.race([c.resume().catch(() => undefined), wait(RESUME_WAIT_MS)]);
    return isRunning(c);
  };

  return {
    allowed: async () => {
      const c = get();
      return c === null || running(c);
    },
    unlock: async () => {
      const c = get();
      if (c === null) return true;
      await c.resume().catch(() => undefined);
      return isRunning(c);
    },
    play: async (): Promise<ChimeOutcome> => {
      const c = get();
      if (c === null) return 'unavailable';
      if (!(await running(c))) return 'blocked';
      try {
        const start = c.currentTime + 0.05;
        for (const note of NOTES) ring(c, note.hz, start + note.at);
      } catch {
        // A broken audio device must not stop the announcements: speech goes on without it.
        return 'unavailable';
      }
      await wait(CHIME_MS);
      return 'played';
    },
  };
};
