/**
 * Questions asked on a terminal, with or without echo (passwords). The terminal is put in
 * raw mode so that nothing typed is echoed by the terminal itself; this module echoes what
 * it should and does the little line editing people expect (backspace, Ctrl+U).
 */

export type LineEnd = 'enter' | 'interrupt' | 'eof';

export interface LineEdit {
  readonly text: string;
  /** What to write back to the terminal for the keys consumed. */
  readonly echo: string;
  /** Set when the line is over; `rest` is what was typed after it (type-ahead, a paste). */
  readonly end?: LineEnd;
  readonly rest: string;
  /** The input ended on `\r`: a `\n` arriving next belongs to it (`\r\n`). */
  readonly endedOnCr?: boolean;
}

// Arrow keys, Home/End, bracketed-paste markers: CSI and SS3 sequences carry no text.
const escapeSequence = /^\x1b(?:\[[0-?]*[ -/]*[@-~]|O.|.)?/su;
const rubout = '\b \b';

/** Applies raw-mode keystrokes to the line typed so far. Pure. */
export const editLine = (typed: string, input: string, echo: boolean): LineEdit => {
  let text = typed;
  let out = '';
  let rest = input;
  while (rest !== '') {
    const escape = escapeSequence.exec(rest);
    if (escape !== null) {
      rest = rest.slice(escape[0].length);
      continue;
    }
    const key = String.fromCodePoint(rest.codePointAt(0) ?? 0);
    rest = rest.slice(key.length);
    switch (key) {
      case '\r':
      case '\n': {
        if (key === '\r' && rest.startsWith('\n')) rest = rest.slice(1);
        else if (key === '\r' && rest === '')
          return { text, echo: out, end: 'enter', rest, endedOnCr: true };
        return { text, echo: out, end: 'enter', rest };
      }
      case '\x03': // Ctrl+C: raw mode turned it into a key instead of a SIGINT
        return { text, echo: out, end: 'interrupt', rest };
      case '\x04': // Ctrl+D: end of input on an empty line, as in a shell
        if (text === '') return { text, echo: out, end: 'eof', rest };
        break;
      case '\x7f':
      case '\b': {
        const chars = [...text];
        if (chars.pop() !== undefined && echo) out += rubout;
        text = chars.join('');
        break;
      }
      case '\x15': // Ctrl+U
        if (echo) out += rubout.repeat([...text].length);
        text = '';
        break;
      default:
        if (key >= ' ') {
          text += key;
          if (echo) out += key;
        }
    }
  }
  return { text, echo: out, rest: '' };
};

export interface Terminal {
  readonly input: NodeJS.ReadStream;
  readonly output: NodeJS.WriteStream;
}

export interface LineReader {
  /** Writes a line of text. */
  say(line: string): void;
  /** Writes `question`, reads one line; `end` says how the line ended. */
  ask(question: string, options: { echo: boolean }): Promise<{ text: string; end: LineEnd }>;
  /** Gives the terminal back as it was. */
  close(): void;
}

/**
 * The terminal stays in raw mode from the first question to `close()`: a password typed
 * ahead, while the previous answer is still being checked, is never echoed (a terminal
 * in its normal mode would show it).
 */
export const makeLineReader = ({ input, output }: Terminal): LineReader => {
  let pending = '';
  let dropLf = false;
  let raw = false;
  return {
    say: (line) => {
      output.write(`${line}\n`);
    },
    close: () => {
      if (raw) input.setRawMode(false);
      raw = false;
      input.pause(); // a flowing stdin would keep reading and hold the process open
    },
    ask: (question, { echo }) =>
      new Promise((resolve) => {
        let text = '';
        const finish = (end: LineEnd): void => {
          input.off('data', onData);
          input.off('end', onEnd);
          input.pause();
          output.write('\n');
          resolve({ text, end });
        };
        const onData = (chunk: string): void => {
          const keys = dropLf && chunk.startsWith('\n') ? chunk.slice(1) : chunk;
          dropLf = false;
          const edit = editLine(text, keys, echo);
          text = edit.text;
          if (edit.echo !== '') output.write(edit.echo);
          if (edit.end === undefined) return;
          pending = edit.rest;
          dropLf = edit.endedOnCr === true;
          finish(edit.end);
        };
        const onEnd = (): void => finish('eof');
        if (!raw) input.setRawMode(true); // before the question shows: nothing typed is echoed
        raw = true;
        input.setEncoding('utf8');
        output.write(question);
        input.on('data', onData);
        input.once('end', onEnd);
        input.resume();
        const typedAhead = pending;
        pending = '';
        if (typedAhead !== '') onData(typedAhead);
      }),
  };
};
