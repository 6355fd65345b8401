/**
 * Preloaded into the MediQue server by `fanout.bench.ts` and `live.bench.ts` (`node
 * --expose-gc --import <this file> …`): adds nothing to the server's code, only a signal
 * handler. On SIGWINCH it reads an optional command from `<file>.cmd` (then removes it):
 *
 * - none, or `snapshot <path>`: two full garbage collections, then `process.memoryUsage()`
 *   is recorded; with `snapshot`, a V8 heap snapshot is also written to <path>;
 * - `profile-start`: starts the V8 CPU profiler (through an in-process inspector session);
 * - `profile-stop <path>`: stops it and writes the `.cpuprofile` to <path>.
 *
 * Each command ends by writing `{ seq, … }` as JSON to the file named by
 * MEDIQUE_BENCH_MEMORY_FILE (atomically, by rename): the driver waits for the new `seq`.
 *
 * Not SIGUSR2: close-with-grace (main.ts) treats SIGUSR2 as a shutdown signal. Not SIGUSR1:
 * Node reserves it for the inspector. SIGWINCH is ignored by default and unused by the server.
 */
import fs from 'node:fs';
import inspector from 'node:inspector';
import v8 from 'node:v8';

const file = process.env.MEDIQUE_BENCH_MEMORY_FILE;
if (file !== undefined && file !== '') {
  let seq = 0;
  /** @type {inspector.Session | null} */
  let session = null;

  const answer = (extra) => {
    seq += 1;
    fs.writeFileSync(`${file}.tmp`, JSON.stringify({ seq, ...extra }));
    fs.renameSync(`${file}.tmp`, file);
  };

  const memory = (snapshotPath) => {
    const gc = globalThis.gc;
    const t0 = performance.now();
    if (typeof gc === 'function') {
      gc();
      gc();
    }
    const gcMs = performance.now() - t0;
    const usage = process.memoryUsage();
    if (snapshotPath !== undefined && snapshotPath !== '') v8.writeHeapSnapshot(snapshotPath);
    answer({ gc: typeof gc === 'function', gcMs, ...usage });
  };

  process.on('SIGWINCH', () => {
    let command = '';
    try {
      command = fs.readFileSync(`${file}.cmd`, 'utf8').trim();
      fs.rmSync(`${file}.cmd`, { force: true });
    } catch {
      // no command: a memory reading
    }
    const space = command.indexOf(' ');
    const verb = space < 0 ? command : command.slice(0, space);
    const arg = space < 0 ? '' : command.slice(space + 1);
    if (verb === 'profile-start') {
      session = new inspector.Session();
      session.connect();
      session.post('Profiler.enable', () =>
        session?.post('Profiler.start', (err) => answer({ profiling: err === null })),
      );
    } else if (verb === 'profile-stop' && session !== null) {
      const s = session;
      session = null;
      s.post('Profiler.stop', (err, result) => {
        if (err === null && result !== undefined)
          fs.writeFileSync(arg, JSON.stringify(result.profile));
        s.disconnect();
        answer({ profiled: err === null });
      });
    } else {
      memory(verb === 'snapshot' ? arg : undefined);
    }
  });
}
