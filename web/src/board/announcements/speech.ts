import type { Announcement, SpeechOutcome, Voice } from './announcement-queue';

/** The part of the Web Speech API the board uses (tests pass a fake). */
export type SpeechEngine = Pick<SpeechSynthesis, 'speak' | 'getVoices'>;
export type UtteranceConstructor = new (text: string) => SpeechSynthesisUtterance;

/**
 * How long one call may take before the queue stops waiting for its `end`: some voices
 * never fire it. Moving on does not cut anything off — the browser queues the next
 * utterance behind one still speaking — it only keeps the board from falling silent.
 */
export const watchdogMs = (text: string): number => 10_000 + 200 * text.length;

/**
 * The thin adapter from the announcement queue to `speechSynthesis`. It never calls
 * `cancel()`: a call is never cut off, not even by the next one.
 */
export const makeBrowserVoice = (
  engine: SpeechEngine | undefined = globalThis.speechSynthesis,
  Utterance: UtteranceConstructor | undefined = globalThis.SpeechSynthesisUtterance,
): Voice => {
  // Chrome garbage-collects an utterance nothing references, and then never fires its
  // `end`: hold each one until it is done.
  const speaking = new Set<SpeechSynthesisUtterance>();

  const say = ({ text, lang }: Announcement): Promise<SpeechOutcome> =>
    new Promise((resolve) => {
      if (engine === undefined || Utterance === undefined) {
        resolve('unavailable');
        return;
      }
      const utterance = new Utterance(text);
      utterance.lang = lang;
      // A little slower than conversation: a waiting room is noisy, and many listen in a
      // second language.
      utterance.rate = 0.9;
      const voice = engine.getVoices().find((v) => v.lang.toLowerCase().startsWith(lang));
      if (voice !== undefined) utterance.voice = voice;

      const finish = (outcome: SpeechOutcome) => {
        if (!speaking.delete(utterance)) return;
        clearTimeout(watchdog);
        resolve(outcome);
      };
      utterance.addEventListener('end', () => finish('spoken'));
      utterance.addEventListener('error', (event) =>
        // Chrome refuses speech before the page has had a user gesture (unless the TV's
        // browser allows autoplay): the board then offers a button.
        finish(event.error === 'not-allowed' ? 'blocked' : 'failed'),
      );
      speaking.add(utterance);
      const watchdog = setTimeout(() => finish('failed'), watchdogMs(text));
      try {
        engine.speak(utterance);
      } catch {
        finish('failed');
      }
    });

  return { say };
};
