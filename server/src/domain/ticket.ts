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
  const parts = new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).formatToParts(at);
  const get = (type: string): string => parts.find((p) => p.type === type)?.value ?? '';
  return `${get('year')}-${get('month')}-${get('day')}`;
};

export const isValidTimeZone = (timeZone: string): boolean => {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone });
    return true;
  } catch {
    return false;
  }
};
