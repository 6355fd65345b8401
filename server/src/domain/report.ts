/**
 * Daily reports (SPEC "Reports"): per department per service day, how many visits there
 * were, how they ended, and how long patients waited and were seen.
 */
export interface DailyReportRow {
  /** The service day (YYYY-MM-DD): the visit's check-in date in the clinic's time zone. */
  readonly day: string;
  readonly departmentId: string;
  /** Visits checked in that day (transfers in included: each is a new visit). */
  readonly visits: number;
  /** Of those, by the state they are in now. */
  readonly completed: number;
  readonly noShows: number;
  readonly cancelled: number;
  /** Check-in → first call, in minutes; null when nobody was called. */
  readonly medianWaitMinutes: number | null;
  readonly p90WaitMinutes: number | null;
  /** Start → completion, in minutes; null when nobody was completed. */
  readonly medianServiceMinutes: number | null;
}

/** A year, leap day included: enough for a year-on-year view, bounded for the database. */
export const MAX_REPORT_DAYS = 366;

const DAY_MS = 86_400_000;

/**
 * Days from `from` to `to`, both included (ISO dates). Computed on UTC midnights: calendar
 * arithmetic that no time zone or daylight-saving change can shift.
 */
export const daysInRange = (from: string, to: string): number =>
  Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS) + 1;

/** Why a report range is refused (and which end to blame), or null when it is fine. */
export const reportRangeProblem = (
  from: string,
  to: string,
): { readonly field: 'from' | 'to'; readonly message: string } | null => {
  const days = daysInRange(from, to);
  if (Number.isNaN(days)) return { field: 'from', message: 'must be dates (YYYY-MM-DD)' };
  if (days < 1) return { field: 'from', message: 'must not be after to' };
  if (days > MAX_REPORT_DAYS) {
    return { field: 'to', message: `must be at most ${MAX_REPORT_DAYS} days from "from"` };
  }
  return null;
};
