/**
 * How a ticket is said aloud. Read as written, `CARD-012` comes out as "card minus twelve"
 * or "card dash zero one two" depending on the voice, and a code need not be a word at all
 * (`ORL`, `PED`). Letters spelt one by one and the number said as a number — "C A R D 12" —
 * sound the same in every voice and in both languages (each voice names the letters in its
 * own language), and still match the `CARD-012` on the patient's paper.
 */
export const spokenTicket = (ticket: string): string => {
  const match = /^([A-Z]+)-0*(\d+)$/.exec(ticket);
  if (match === null) return ticket;
  const [, letters = '', number = ''] = match;
  return `${letters.split('').join(' ')} ${number}`;
};
