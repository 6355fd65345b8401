import { describe, expect, it } from 'vitest';
import type { BoardCall, BoardDepartment, BoardStateData } from '../../shared/api/types';
import {
  makeAnnouncementQueue,
  makeCallTracker,
  newCalls,
  type Announcement,
  type ChimeOutcome,
  type SpeechOutcome,
} from './announcement-queue';

const flush = async () => {
  for (let i = 0; i < 10; i += 1) await Promise.resolve();
};

/**
 * A voice the test finishes by hand, keeping a log of what was said and when each
 * utterance started and ended, so overlap (a call cut off or talked over) shows.
 */
const fakeVoice = () => {
  const log: string[] = [];
  const finishers: ((outcome: SpeechOutcome) => void)[] = [];
  let speaking = 0;
  let mostAtOnce = 0;
  return {
    log,
    mostAtOnce: () => mostAtOnce,
    say: ({ text }: Announcement) =>
      new Promise<SpeechOutcome>((resolve) => {
        speaking += 1;
        mostAtOnce = Math.max(mostAtOnce, speaking);
        log.push(`start ${text}`);
        finishers.push((outcome) => {
          speaking -= 1;
          log.push(`end ${text}`);
          resolve(outcome);
        });
      }),
    /** The utterance now speaking reaches its end (or fails). */
    finish: async (outcome: SpeechOutcome = 'spoken') => {
      finishers.shift()?.(outcome);
      await flush();
    },
  };
};

const chimeThat = (outcome: ChimeOutcome) => ({ play: () => Promise.resolve(outcome) });
const say = (text: string): Announcement => ({ text, lang: 'en' });

describe('the announcement queue', () => {
  it('says calls one after another, in order, each only after the previous one ended', async () => {
    const voice = fakeVoice();
    const queue = makeAnnouncementQueue({ voice, chime: chimeThat('played') });
    queue.enqueue([say('A'), say('B')]);
    await flush();
    queue.enqueue([say('C')]); // arrives while A is still being said
    await flush();
    expect(voice.log).toEqual(['start A']);
    await voice.finish();
    await voice.finish();
    await voice.finish();
    await queue.idle();
    expect(voice.log).toEqual(['start A', 'end A', 'start B', 'end B', 'start C', 'end C']);
    expect(voice.mostAtOnce()).toBe(1);
  });

  it('moves on after a speech error, or a voice that throws, instead of stalling', async () => {
    const voice = fakeVoice();
    let calls = 0;
    const queue = makeAnnouncementQueue({
      voice: {
        say: (a) => {
          calls += 1;
          return calls === 2 ? Promise.reject(new Error('engine gone')) : voice.say(a);
        },
      },
      chime: chimeThat('played'),
    });
    queue.enqueue([say('A'), say('B'), say('C')]);
    await flush();
    await voice.finish('failed');
    await voice.finish();
    await queue.idle();
    expect(voice.log).toEqual(['start A', 'end A', 'start C', 'end C']);
  });

  it('does not let a blocked chime hold up the speech, and reports the block', async () => {
    const voice = fakeVoice();
    let blocked = 0;
    const queue = makeAnnouncementQueue({
      voice,
      chime: { play: () => Promise.reject(new Error('no audio device')) },
      onBlocked: () => (blocked += 1),
    });
    queue.enqueue([say('A')]);
    await flush();
    expect(voice.log).toEqual(['start A']);

    const blockedQueue = makeAnnouncementQueue({
      voice,
      chime: chimeThat('blocked'),
      onBlocked: () => (blocked += 1),
    });
    blockedQueue.enqueue([say('B')]);
    await flush();
    expect(voice.log).toContain('start B');
    expect(blocked).toBe(1);
  });

  it('reports speech the browser refused, and carries on with the next call', async () => {
    const voice = fakeVoice();
    let blocked = 0;
    const queue = makeAnnouncementQueue({
      voice,
      chime: chimeThat('unavailable'),
      onBlocked: () => (blocked += 1),
    });
    queue.enqueue([say('A'), say('B')]);
    await flush();
    await voice.finish('blocked');
    expect(blocked).toBe(1);
    expect(voice.log).toEqual(['start A', 'end A', 'start B']);
  });

  it('clear() drops what has not started, never what is being said', async () => {
    const voice = fakeVoice();
    const queue = makeAnnouncementQueue({ voice, chime: chimeThat('played') });
    queue.enqueue([say('A'), say('B')]);
    await flush();
    queue.clear();
    await voice.finish();
    await queue.idle();
    expect(voice.log).toEqual(['start A', 'end A']);
  });
});

const call = (ticket: string, calledAt: string, roomName = 'Room 1'): BoardCall => ({
  ticket,
  roomName,
  calledAt: `2026-11-23T09:${calledAt}.000Z`,
});

const department = (nowServing: BoardCall[], overrides: Partial<BoardDepartment> = {}) => ({
  departmentId: 'd1',
  departmentName: 'Cardiology',
  nowServing,
  recentlyCalled: nowServing,
  waitingCount: 0,
  estimatedWaitMinutes: null,
  ...overrides,
});

const board = (...departments: BoardDepartment[]): BoardStateData => ({ departments });
const tickets = (calls: BoardCall[]) => calls.map((c) => c.ticket);

describe('which calls are new', () => {
  it('announces nothing for the first state a board sees (calls made before it started)', () => {
    const { fresh } = newCalls(null, board(department([call('CARD-001', '00:00')])));
    expect(fresh).toEqual([]);
  });

  it('announces a ticket newly under "now serving", once', () => {
    const tracker = makeCallTracker();
    const first = call('CARD-001', '00:00');
    const second = call('CARD-002', '01:00', 'Room 3');
    tracker.fresh(board(department([first])));
    expect(tracker.fresh(board(department([second, first])))).toEqual([second]);
    expect(tracker.fresh(board(department([second, first])))).toEqual([]);
  });

  it('announces a recall again: same ticket, new calledAt', () => {
    const tracker = makeCallTracker();
    tracker.fresh(board(department([call('CARD-001', '00:00')])));
    const recalled = call('CARD-001', '05:00');
    expect(tracker.fresh(board(department([recalled])))).toEqual([recalled]);
  });

  it('after a reconnect, announces only what was called while away, in call order', () => {
    const tracker = makeCallTracker();
    const shown = call('CARD-001', '00:00');
    tracker.fresh(board(department([shown])));
    // One update can carry several calls (the server coalesces), newest first.
    const whileAway = board(
      department([call('CARD-003', '03:00'), shown]),
      department([call('ORL-007', '02:00')], { departmentId: 'd2', departmentName: 'ENT' }),
    );
    expect(tickets(tracker.fresh(whileAway))).toEqual(['ORL-007', 'CARD-003']);
  });

  it('forgets calls no longer being served, so the memory stays as small as the screen', () => {
    const { known } = newCalls(new Set(['x']), board(department([call('CARD-004', '00:00')])));
    expect(known.size).toBe(1);
  });
});
