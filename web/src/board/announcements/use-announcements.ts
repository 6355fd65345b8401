import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { BoardCall, BoardStateData } from '../../shared/api/types';
import { makeAnnouncementQueue, makeCallTracker, type Announcement } from './announcement-queue';
import { makeWebAudioChime } from './chime';
import { makeBrowserVoice } from './speech';
import { spokenTicket } from './spoken-ticket';

export interface Announcements {
  /** Feed every board state received: new calls are announced, in call order. */
  readonly hear: (state: BoardStateData) => void;
  /** The browser refuses sound until someone presses something. */
  readonly blocked: boolean;
  /** From the "Turn on announcements" press. */
  readonly turnOn: () => Promise<void>;
}

/** The browser's chime and voice behind the announcement queue, for one board. */
export const useAnnouncements = (): Announcements => {
  const { i18n } = useTranslation('board');
  const [blocked, setBlocked] = useState(false);
  const [parts] = useState(() => {
    const chime = makeWebAudioChime();
    const queue = makeAnnouncementQueue({
      voice: makeBrowserVoice(),
      chime,
      onBlocked: () => setBlocked(true),
    });
    return { chime, queue, tracker: makeCallTracker() };
  });

  // Ask at start, not at the first call: someone can turn sound on before it matters.
  useEffect(() => {
    let mounted = true;
    void parts.chime.allowed().then((allowed) => {
      if (mounted && !allowed) setBlocked(true);
    });
    return () => {
      mounted = false;
      parts.queue.clear();
    };
  }, [parts]);

  const hear = useCallback(
    (state: BoardStateData) => {
      const fresh = parts.tracker.fresh(state);
      if (fresh.length === 0) return;
      // The board's language now (configured, or chosen on the board).
      const lang = i18n.language;
      const t = i18n.getFixedT(lang, 'board');
      const say = (call: BoardCall): Announcement => ({
        lang,
        text:
          call.roomName === null
            ? t('announcementNoRoom', { ticket: spokenTicket(call.ticket) })
            : t('announcement', { ticket: spokenTicket(call.ticket), room: call.roomName }),
      });
      parts.queue.enqueue(fresh.map(say));
    },
    [parts, i18n],
  );

  const turnOn = useCallback(async () => {
    const allowed = await parts.chime.unlock();
    setBlocked(!allowed);
    // The press itself lets speech play from now on; the chime says it worked.
    if (allowed) void parts.chime.play();
  }, [parts]);

  return { hear, blocked, turnOn };
};
