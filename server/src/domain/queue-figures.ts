/**
 * The figures a queue view is made of, defined once: the database read (a snapshot) and
 * the live view kept from events both derive them here, so the two cannot disagree on an
 * ordering tie or a rounding.
 */

/** How many recent consultations the rolling service-time median looks at. */
export const SERVICE_WINDOW = 20;
/** How many recent calls a board shows. */
export const RECENT_CALLS = 6;

export const minutesBetween = (from: Date, to: Date): number =>
  (to.getTime() - from.getTime()) / 60_000;

const byId = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/**
 * The order visits are listed in before the fairness rule is applied: queued first, then
 * ticket number, then id (Postgres compares uuids bytewise, which is this string order).
 */
export const byQueuedAt = (
  a: { queuedAt: Date; seq: number; id: string },
  b: { queuedAt: Date; seq: number; id: string },
): number => a.queuedAt.getTime() - b.queuedAt.getTime() || a.seq - b.seq || byId(a.id, b.id);

interface Called {
  readonly seq: number;
  readonly checkedInAt: Date;
  readonly calledAt: Date | null;
}

/** Newest call first; a tie (one clock tick) by the higher ticket number. */
export const byCalledAtDesc = (a: Called, b: Called): number =>
  (b.calledAt?.getTime() ?? 0) - (a.calledAt?.getTime() ?? 0) || b.seq - a.seq;

/** Today's most recent calls, newest first. */
export const recentCalls = <T extends Called>(calledToday: Iterable<T>): T[] =>
  [...calledToday].sort(byCalledAtDesc).slice(0, RECENT_CALLS);

/** Minutes from check-in to (the latest) call of each visit called today. */
export const waitMinutes = (calledToday: Iterable<Called>): number[] => {
  const out: number[] = [];
  for (const v of calledToday)
    if (v.calledAt !== null) out.push(minutesBetween(v.checkedInAt, v.calledAt));
  return out;
};

interface Completed {
  readonly id: string;
  readonly startedAt: Date;
  readonly endedAt: Date;
}

/** Most recently ended first; a tie by id, descending (what `ORDER BY ended_at DESC, id DESC` gives). */
export const byEndedAtDesc = (a: Completed, b: Completed): number =>
  b.endedAt.getTime() - a.endedAt.getTime() || byId(b.id, a.id);

export const serviceMinutes = (completed: readonly Completed[]): number[] =>
  completed.map((c) => minutesBetween(c.startedAt, c.endedAt));
