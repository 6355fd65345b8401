import { describe, expect, it } from 'vitest';
import { paperTicketsEnabled, PRINT_KEY } from './print-setting';

describe('paperTicketsEnabled', () => {
  it('is off on a kiosk never told otherwise', () => {
    expect(paperTicketsEnabled('')).toBe(false);
  });

  it('is turned on by ?print=1 and stays on without it', () => {
    expect(paperTicketsEnabled('?print=1')).toBe(true);
    expect(localStorage.getItem(PRINT_KEY)).toBe('1');
    expect(paperTicketsEnabled('?lang=fr')).toBe(true);
  });

  it('is turned off again by ?print=0', () => {
    paperTicketsEnabled('?print=1');
    expect(paperTicketsEnabled('?print=0')).toBe(false);
    expect(paperTicketsEnabled('')).toBe(false);
  });
});
