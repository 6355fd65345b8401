import { serviceDayOf } from '../../domain/ticket.js';
import { DAY_CLOSED } from '../../domain/visit.js';
import type { Recorded } from '../ports.js';
import { recordAction } from '../transition-visit.js';
import { jobActor, jobMeta, type ScheduledJob } from './scheduled-job.js';

export { DAY_CLOSED };

/**
 * End-of-day close-out: visits left WAITING or CALLED from an earlier service day (in the
 * clinic's time zone) are cancelled with reason `day_closed`. Its period is the service day,
 * so it runs once, soon after local midnight (or at the first start after it).
 *
 * Each visit goes through the same path as a receptionist's cancel — the state machine,
 * then `saveTransition`, which writes the new state, the department's next event number
 * and the audit row in one statement — so every cancellation is audited and numbered in
 * the gap-free event log (invariants 5 and 6), and is published after commit.
 */
export const makeCloseOut = ({ timeZone }: { readonly timeZone: string }): ScheduledJob => ({
  name: 'close-out',
  period: (now) => serviceDayOf(now, timeZone),
  run: async (stores, now, period) => {
    const actor = jobActor('close-out');
    const meta = jobMeta('close-out', period);
    const leftOpen = await stores.housekeeping.lockLeftOpen(period);
    const recorded: Recorded[] = [];
    for (const visit of leftOpen) {
      recorded.push(
        await recordAction(
          stores,
          visit,
          { type: 'cancel', reason: DAY_CLOSED },
          { actor, meta, at: now },
        ),
      );
    }
    return { rows: { cancelled: recorded.length }, events: recorded.map((r) => r.event) };
  },
});
