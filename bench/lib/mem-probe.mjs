/**
 * Preloaded into the MediQue server by `fanout.bench.ts` (`node --expose-gc --import
 * <this file> --import tsx src/main.ts`): adds nothing to the server's code. On SIGWINCH it
 * runs two full garbage collections and writes `process.memoryUsage()` (with a sequence
 * number) as JSON to the file named by MEDIQUE_BENCH_MEMORY_FILE, atomically (rename).
 *
 * If `<file>.snapshot` exists, it names a path: a heap snapshot is written there too
 * (after the GCs and the reading) and `<file>.snapshot` is removed.
 *
 * Not SIGUSR2: close-with-grace (main.ts) treats SIGUSR2 as a shutdown signal. Not SIGUSR1:
 * Node reserves it for the inspector. SIGWINCH is ignored by default and unused by the server.
 */
import fs from 'node:fs';
import v8 from 'node:v8';

const file = process.env.MEDIQUE_BENCH_MEMORY_FILE;
if (file !== undefined && file !== '') {
  let seq = 0;
  process.on('SIGWINCH', () => {
    const gc = globalThis.gc;
    const t0 = performance.now();
    if (typeof gc === 'function') {
      gc();
      gc();
    }
    const gcMs = performance.now() - t0;
    const usage = process.memoryUsage();
    const request = `${file}.snapshot`;
    if (fs.existsSync(request)) {
      const target = fs.readFileSync(request, 'utf8').trim();
      fs.rmSync(request, { force: true });
      if (target !== '') v8.writeHeapSnapshot(target);
    }
    seq += 1;
    const body = JSON.stringify({
      seq,
      gc: typeof gc === 'function',
      gcMs,
      ...usage,
    });
    fs.writeFileSync(`${file}.tmp`, body);
    fs.renameSync(`${file}.tmp`, file);
  });
}
