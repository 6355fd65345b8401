import { describe, expect, it } from 'vitest';
import { editLine } from './terminal-prompt.js';

describe('editLine', () => {
  it('ends a line on Enter and keeps what was typed after it', () => {
    expect(editLine('', 'admin\rSecret', true)).toEqual({
      text: 'admin',
      echo: 'admin',
      end: 'enter',
      rest: 'Secret',
    });
    expect(editLine('ad', 'min\r\nnext', true)).toMatchObject({ text: 'admin', rest: 'next' });
    expect(editLine('', 'x\r', true)).toMatchObject({ end: 'enter', endedOnCr: true });
  });

  it('echoes nothing for a password, whatever is typed', () => {
    expect(editLine('', 'Pässwört-7\x7f8\n', false)).toEqual({
      text: 'Pässwört-8',
      echo: '',
      end: 'enter',
      rest: '',
    });
  });

  it('backspace removes a whole character and Ctrl+U the line', () => {
    expect(editLine('ab', 'ü\x7f', true)).toEqual({ text: 'ab', echo: 'ü\b \b', rest: '' });
    expect(editLine('abc', '\x15d', true)).toEqual({
      text: 'd',
      echo: '\b \b\b \b\b \bd',
      rest: '',
    });
  });

  it('ignores arrow keys and other control characters', () => {
    expect(editLine('', 'a\x1b[Db\x1bOA\tc', true)).toMatchObject({ text: 'abc', echo: 'abc' });
    expect(editLine('', '\x1b[200~pasted\x1b[201~', false)).toMatchObject({ text: 'pasted' });
  });

  it('reports Ctrl+C, and Ctrl+D on an empty line only', () => {
    expect(editLine('abc', '\x03', false)).toMatchObject({ end: 'interrupt' });
    expect(editLine('abc', '\x04', false)).toEqual({ text: 'abc', echo: '', rest: '' });
    expect(editLine('', '\x04', false)).toMatchObject({ end: 'eof' });
  });
});
