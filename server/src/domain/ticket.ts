/** `CARD` + 12 → `CARD-012`. Numbers past 999 simply grow (`CARD-1000`). */
export const formatTicket = (departmentCode: string, seq: number): string =>
  `${departmentCode}-${String(seq).padStart(3, '0')}`;

export const departmentCodePattern = /^[A-Z]{2,6}$/;

/**
 * The service day a moment belongs to: its calendar date in the clinic's time zone. Ticket
 * numbers restart every service day, so a check-in at 23:59 and one at 00:01 local time
 * fall on different days even when UTC says otherwise.
 */
export const serviceDayOf = (at: Date, timeZone: string): string => {
  const second = Math.floor(at.getTime() / 1000);
  const last = lastDay.get(timeZone);
  if (last !== undefined && last.second === second) return last.day;
  const parts = formatterFor(timeZone).formatToParts(at);
  const get = (type: string): string => parts.find((p) => p.type === type)?.value ?? '';
  const day = `${get('year')}-${get('month')}-${get('day')}`;
  lastDay.set(timeZone, { second, day });
  return day;
};

/**
 * The first instant after `at` that belongs to the next service day: local midnight, found
 * by halving (to the second) rather than by arithmetic, so days of 23 or 25 hours (summer
 * time) and zones whose midnight is skipped come out right. Live views reload then.
 */
export const serviceDayEndOf = (at: Date, timeZone: string): Date => {
  const today = serviceDayOf(at, timeZone);
  let before = Math.floor(at.getTime() / 1000); // a second still in `today`
  let after = before + 48 * 3600; // a second surely past it
  while (after - before > 1) {
    const mid = Math.floor((before + after) / 2);
    if (serviceDayOf(new Date(mid * 1000), timeZone) === today) before = mid;
    else after = mid;
  }
  return new Date(after * 1000);
};

/**
 * The last answer per time zone, by whole second: under load hundreds of check-ins a
 * second need a service day, and formatToParts costs ~15 µs each (issue 11's profile).
 * UTC offsets are whole seconds, so a calendar date never changes inside one second.
 */
const lastDay = new Map<string, { readonly second: number; readonly day: string }>();

/**
 * Building an Intl.DateTimeFormat costs ~100 µs, formatting with one ~10 µs; every check-in
 * needs a service day, so formatters are kept per time zone.
 */
const formatters = new Map<string, Intl.DateTimeFormat>();
const formatterFor = (timeZone: string): Intl.DateTimeFormat => {
  let f = formatters.get(timeZone);
  if (f === undefined) {
    f = new Intl.DateTimeFormat('en-CA', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
    });
    formatters.set(timeZone, f);
  }
  return f;
};

export const isValidTimeZone = (timeZone: string): boolean => {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone });
    return true;
  } catch {
    return false;
  }
};
