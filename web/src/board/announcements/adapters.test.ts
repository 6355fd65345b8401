import { afterEach, describe, expect, it, vi } from 'vitest';
import { makeWebAudioChime, type ChimeContext } from './chime';
import { makeBrowserVoice, watchdogMs, type SpeechEngine } from './speech';
import { spokenTicket } from './spoken-ticket';

/** Enough of SpeechSynthesisUtterance for the adapter: text, lang, events. */
class FakeUtterance extends EventTarget {
  lang = '';
  rate = 1;
  voice: SpeechSynthesisVoice | null = null;
  constructor(readonly text: string) {
    super();
  }
}

const speechEvent = (type: string, error?: string) =>
  Object.assign(new Event(type), error === undefined ? {} : { error });

/** A speech engine that records what it was asked to do; the test ends each utterance. */
const fakeEngine = () => {
  const spoken: FakeUtterance[] = [];
  let cancels = 0;
  const engine = {
    speak: (u: SpeechSynthesisUtterance) => spoken.push(u),
    getVoices: () => [{ lang: 'fr-FR', name: 'Amélie' } as SpeechSynthesisVoice],
    cancel: () => (cancels += 1),
  };
  return { engine: engine as SpeechEngine, spoken, cancels: () => cancels };
};

const Utterance = FakeUtterance as unknown as new (text: string) => SpeechSynthesisUtterance;

afterEach(() => {
  vi.useRealTimers();
});

describe('the speech adapter', () => {
  it('speaks in the board language and resolves only when the utterance has ended', async () => {
    const { engine, spoken, cancels } = fakeEngine();
    const voice = makeBrowserVoice(engine, Utterance);
    let outcome: string | null = null;
    const saying = voice.say({ text: 'Ticket C A R D 12, Salle 3', lang: 'fr' });
    void saying.then((o) => (outcome = o));
    await Promise.resolve();
    expect(spoken.map((u) => [u.text, u.lang, u.voice?.name])).toEqual([
      ['Ticket C A R D 12, Salle 3', 'fr', 'Amélie'],
    ]);
    expect(outcome).toBeNull();
    spoken[0]?.dispatchEvent(speechEvent('end'));
    expect(await saying).toBe('spoken');
    expect(cancels()).toBe(0);
  });

  it('tells a refusal (no user gesture yet) from any other speech error', async () => {
    const { engine, spoken } = fakeEngine();
    const voice = makeBrowserVoice(engine, Utterance);
    const refused = voice.say({ text: 'A', lang: 'en' });
    spoken[0]?.dispatchEvent(speechEvent('error', 'not-allowed'));
    expect(await refused).toBe('blocked');
    const failed = voice.say({ text: 'B', lang: 'en' });
    spoken[1]?.dispatchEvent(speechEvent('error', 'synthesis-failed'));
    expect(await failed).toBe('failed');
  });

  it('moves on when a voice never reports its end, without cancelling it', async () => {
    vi.useFakeTimers();
    const { engine, cancels } = fakeEngine();
    const saying = makeBrowserVoice(engine, Utterance).say({ text: 'Ticket A 1', lang: 'en' });
    await vi.advanceTimersByTimeAsync(watchdogMs('Ticket A 1'));
    expect(await saying).toBe('failed');
    expect(cancels()).toBe(0);
  });

  it('says "unavailable" where the browser has no speech', async () => {
    expect(await makeBrowserVoice(undefined, undefined).say({ text: 'A', lang: 'en' })).toBe(
      'unavailable',
    );
  });
});

/** An AudioContext that starts suspended (autoplay refused) until resume() is allowed. */
const fakeContext = (startsRunning: boolean) => {
  const rung: number[] = [];
  let state: AudioContextState = startsRunning ? 'running' : 'suspended';
  let gesture = false;
  const param = () => ({
    value: 0,
    setValueAtTime: () => undefined,
    exponentialRampToValueAtTime: () => undefined,
  });
  const node = () => ({ connect: (next: unknown) => next });
  const context = {
    get state() {
      return state;
    },
    currentTime: 0,
    destination: {},
    // Without a gesture a real resume() never settles.
    resume: () =>
      gesture ? ((state = 'running'), Promise.resolve()) : new Promise<void>(() => undefined),
    createGain: () => ({ ...node(), gain: param() }),
    createOscillator: () => {
      const frequency = param();
      return {
        ...node(),
        type: 'sine',
        frequency,
        start: () => rung.push(frequency.value),
        stop: () => undefined,
      };
    },
  };
  return {
    context: context as unknown as ChimeContext,
    rung,
    press: () => {
      gesture = true;
    },
  };
};

const noWait = () => Promise.resolve();

describe('the chime', () => {
  it('rings two notes when sound is allowed', async () => {
    const { context, rung } = fakeContext(true);
    const chime = makeWebAudioChime(() => context, noWait);
    expect(await chime.allowed()).toBe(true);
    expect(await chime.play()).toBe('played');
    expect(rung).toHaveLength(2);
  });

  it('says "blocked" at once when autoplay is refused, and plays after a press', async () => {
    const { context, rung, press } = fakeContext(false);
    const chime = makeWebAudioChime(() => context, noWait);
    expect(await chime.allowed()).toBe(false);
    expect(await chime.play()).toBe('blocked');
    expect(rung).toEqual([]);
    press();
    expect(await chime.unlock()).toBe(true);
    expect(await chime.play()).toBe('played');
  });

  it('says "unavailable", and does not throw, when the audio device fails', async () => {
    const { context } = fakeContext(true);
    const broken = {
      ...context,
      state: context.state,
      createOscillator: () => {
        throw new Error('no audio device');
      },
    } as unknown as ChimeContext;
    const chime = makeWebAudioChime(() => broken, noWait);
    expect(await chime.play()).toBe('unavailable');
  });

  it('is silent, not broken, where the browser has no Web Audio', async () => {
    const chime = makeWebAudioChime(() => null, noWait);
    expect(await chime.allowed()).toBe(true);
    expect(await chime.play()).toBe('unavailable');
  });
});

describe('how a ticket is said', () => {
  it.each([
    ['CARD-012', 'C A R D 12'],
    ['ORL-007', 'O R L 7'],
    ['PEDIAT-120', 'P E D I A T 120'],
    ['XY-000', 'X Y 0'],
    ['odd ticket', 'odd ticket'],
  ])('%s → "%s"', (ticket, spoken) => {
    expect(spokenTicket(ticket)).toBe(spoken);
  });
});
