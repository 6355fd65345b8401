import { describe, expect, it } from 'vitest';
import { checkPassword } from './password-rules';

/** Each rule of the server's policy is recognised by name: none shows up untranslated. */
describe('checkPassword (the server’s policy, shown rule by rule)', () => {
  it.each([
    ['Sh0rt!', 'length'],
    ['lowercase-only-1!', 'upper'],
    ['UPPERCASE-ONLY-1!', 'lower'],
    ['No-Digits-Here-At-All!', 'digit'],
    ['NoSymbols1234567', 'symbol'],
    ['Dr-Mensah-2026!x', 'username'],
  ])('%s breaks the %s rule', (password, rule) => {
    const check = checkPassword(password, 'dr-mensah');
    expect([...check.failing]).toContain(rule);
    expect(check.other).toEqual([]);
    expect(check.ok).toBe(false);
  });

  it('a strong password breaks none', () => {
    expect(checkPassword('Corr3ct-Horse-Battery!', 'dr-mensah')).toEqual({
      failing: new Set(),
      other: [],
      ok: true,
    });
  });
});
