import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { serverDir } from './process.js';

/**
 * Commands run the way a person runs them: `npm start` from the repository root, in a
 * terminal or not. The terminal is a pseudo-terminal from util-linux `script` (Debian's
 * bsdutils, always installed): the command's stdin and stdout are a TTY, and what the
 * test writes arrives as keystrokes.
 */
export const repoRoot = path.resolve(serverDir, '..');

export interface Session {
  readonly child: ChildProcess;
  /** Everything printed so far (a terminal merges stdout and stderr). */
  output(): string;
  /** Resolves once the output matches `pattern`; rejects on exit or after `timeoutMs`. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<void>;
  /** Keystrokes (terminal) or stdin bytes. */
  type(text: string): void;
  readonly exited: Promise<number | null>;
  /** SIGKILL to everything the session started; for afterAll. */
  kill(): void;
}

/** Quotes one word for `sh`, as a person would with single quotes. */
export const shellQuote = (word: string): string => `'${word.replaceAll("'", `'\\''`)}'`;

export const startSession = (
  command: string,
  options: { env: NodeJS.ProcessEnv; terminal: boolean; cwd?: string },
): Session => {
  const env = { PATH: process.env.PATH, HOME: process.env.HOME, TERM: 'xterm', ...options.env };
  // `script` makes the command a new session leader on the pseudo-terminal; without one,
  // `sh -c` in a process group of its own. Either way `kill()` can reach every process.
  const [file, args] = options.terminal
    ? ['script', ['-qfec', command, '/dev/null']]
    : ['sh', ['-c', command]];
  const child = spawn(file, args, {
    cwd: options.cwd ?? repoRoot,
    env,
    stdio: ['pipe', 'pipe', 'pipe'],
    detached: true,
  });
  let out = '';
  const listeners = new Set<() => void>();
  const onData = (d: Buffer) => {
    out += d.toString();
    for (const listener of listeners) listener();
  };
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  // Ended sessions must not keep the test waiting for a pattern that will never come.
  void exited.then(() => {
    for (const listener of listeners) listener();
  });
  return {
    child,
    output: () => out,
    type: (text) => {
      child.stdin.write(text);
    },
    exited,
    waitFor: (pattern, timeoutMs = 60_000) =>
      new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          listeners.delete(check);
          reject(new Error(`no ${String(pattern)} after ${timeoutMs} ms:\n${out}`));
        }, timeoutMs);
        const check = () => {
          if (pattern.test(out)) {
            clearTimeout(timer);
            listeners.delete(check);
            resolve();
          } else if (child.exitCode !== null || child.signalCode !== null) {
            clearTimeout(timer);
            listeners.delete(check);
            reject(new Error(`exited (${child.exitCode}) before ${String(pattern)}:\n${out}`));
          }
        };
        listeners.add(check);
        check();
      }),
    kill: () => {
      for (const pid of sessionPids(child.pid)) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // already gone
        }
      }
    },
  };
};

/** `pid` and every process below it (from /proc: `script` puts its child in a new session). */
const sessionPids = (pid: number | undefined): number[] => {
  if (pid === undefined) return [];
  const children = new Map<number, number[]>();
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      // The fields after the command name, which is in parentheses and may hold spaces.
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
    } catch {
      // exited while we looked
    }
  }
  const all: number[] = [];
  const visit = (p: number) => {
    all.push(p);
    for (const c of children.get(p) ?? []) visit(c);
  };
  visit(pid);
  return all;
};
