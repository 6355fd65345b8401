import type { BoardCall, BoardStateData } from '../../shared/api/types';

/**
 * The board's announcement queue (SPEC, "Beyond the peers"): every new call is announced
 * by a chime and then speech, one call after another, never cut off. Pure logic over two
 * narrow ports; the browser adapters are `speech.ts` and `chime.ts`.
 */

/** One thing to say, in one language (a BCP 47 tag the voice understands). */
export interface Announcement {
  readonly text: string;
  readonly lang: string;
}

export type SpeechOutcome = 'spoken' | 'failed' | 'blocked' | 'unavailable';
export type ChimeOutcome = 'played' | 'blocked' | 'unavailable';

export interface Voice {
  /** Resolves once the text was spoken to its end, or could not be. Never rejects. */
  say(announcement: Announcement): Promise<SpeechOutcome>;
}

export interface Chime {
  /** Resolves once the chime has rung out (so speech does not talk over it). */
  play(): Promise<ChimeOutcome>;
}

export interface AnnouncementQueue {
  enqueue(announcements: readonly Announcement[]): void;
  /** Drops what has not started yet (the board is closing); never stops what is playing. */
  clear(): void;
  /** Resolves when everything queued so far has been said. */
  idle(): Promise<void>;
}

export const makeAnnouncementQueue = ({
  voice,
  chime,
  onBlocked,
}: {
  readonly voice: Voice;
  readonly chime: Chime;
  /** The browser refused to play sound or speech until someone presses something. */
  readonly onBlocked?: () => void;
}): AnnouncementQueue => {
  const pending: Announcement[] = [];
  let draining: Promise<void> | null = null;

  // One loop at a time, awaiting each announcement's end before the next starts: the
  // speech engine is never asked to cancel, so nothing is ever cut off. `draining` is
  // cleared in the same tick the loop finds the queue empty, so no enqueue is stranded.
  const drain = async (): Promise<void> => {
    for (let next = pending.shift(); next !== undefined; next = pending.shift()) {
      // A chime that cannot play (autoplay refused, no audio device) never holds up speech.
      const chimed = await chime.play().catch((): ChimeOutcome => 'unavailable');
      if (chimed === 'blocked') onBlocked?.();
      const said = await voice.say(next).catch((): SpeechOutcome => 'failed');
      if (said === 'blocked') onBlocked?.();
    }
    draining = null;
  };

  return {
    enqueue: (announcements) => {
      pending.push(...announcements);
      if (draining === null && pending.length > 0) draining = drain();
    },
    clear: () => {
      pending.length = 0;
    },
    idle: async () => {
      while (draining !== null) await draining;
    },
  };
};

/** A call is identified by its ticket and when it was called: a recall moves `calledAt`. */
const callKey = (call: BoardCall): string => `${call.ticket}\u0000${call.calledAt}`;

const calledFirst = (a: BoardCall, b: BoardCall): number =>
  Date.parse(a.calledAt) - Date.parse(b.calledAt);

/**
 * Which calls in `state` are new: a ticket newly under "now serving", or one recalled.
 * `known` is what the board had seen (null: nothing yet). The first state a board sees
 * announces nothing (those calls were made before it started); a snapshot after a
 * reconnect announces only what happened while it was away. Oldest first: call order.
 */
export const newCalls = (
  known: ReadonlySet<string> | null,
  state: BoardStateData,
): { readonly fresh: BoardCall[]; readonly known: ReadonlySet<string> } => {
  const serving = state.departments.flatMap((d) => d.nowServing);
  const fresh = known === null ? [] : serving.filter((call) => !known.has(callKey(call)));
  // Only what is still being served is kept: the set stays as small as the screen.
  return { fresh: fresh.sort(calledFirst), known: new Set(serving.map(callKey)) };
};

/** `newCalls` with its memory: feed it every state the board receives. */
export const makeCallTracker = () => {
  let known: ReadonlySet<string> | null = null;
  return {
    fresh: (state: BoardStateData): BoardCall[] => {
      const result = newCalls(known, state);
      known = result.known;
      return result.fresh;
    },
  };
};
