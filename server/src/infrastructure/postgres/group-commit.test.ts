import { describe, expect, it } from 'vitest';
import { makeGroupCommit } from './group-commit.js';

/** A writer whose calls the test finishes by hand, recording what each call got. */
const scriptedWriter = () => {
  const calls: { items: string[]; finish: (err?: Error) => void }[] = [];
  const call = (items: string[]) =>
    new Promise<string[]>((resolve, reject) => {
      calls.push({
        items,
        finish: (err) => (err === undefined ? resolve(items.map((i) => `ok:${i}`)) : reject(err)),
      });
    });
  return { calls, call };
};

const tick = () => new Promise((r) => setTimeout(r, 0));

describe('group commit', () => {
  it('writes an item at an idle key at once, alone', async () => {
    const w = scriptedWriter();
    const batches: string[][] = [];
    const g = makeGroupCommit<string, string>({
      runOne: async (i) => (await w.call([i]))[0] as string,
      runBatch: (items) => (batches.push([...items]), w.call([...items])),
      maxBatch: 10,
    });
    const a = g.submit('dep', 'a');
    await tick();
    expect(w.calls.map((c) => c.items)).toEqual([['a']]);
    w.calls[0]?.finish();
    expect(await a).toBe('ok:a');
    expect(batches).toEqual([]);
    await tick();
    expect(g.activeKeys()).toBe(0);
  });

  it('items arriving while a write runs go together in the next, in arrival order', async () => {
    const w = scriptedWriter();
    const g = makeGroupCommit<string, string>({
      runOne: async (i) => (await w.call([i]))[0] as string,
      runBatch: (items) => w.call([...items]),
      maxBatch: 10,
    });
    const first = g.submit('dep', 'a');
    const rest = ['b', 'c', 'd'].map((i) => g.submit('dep', i));
    const other = g.submit('other', 'x');
    await tick();
    // One write per key at a time; another key is not held up.
    expect(w.calls.map((c) => c.items)).toEqual([['a'], ['x']]);
    w.calls[0]?.finish();
    await first;
    await tick();
    expect(w.calls[2]?.items).toEqual(['b', 'c', 'd']);
    w.calls[2]?.finish();
    expect(await Promise.all(rest)).toEqual(['ok:b', 'ok:c', 'ok:d']);
    w.calls[1]?.finish();
    expect(await other).toBe('ok:x');
    await tick();
    expect(g.activeKeys()).toBe(0);
  });

  it('caps a batch at maxBatch; the rest go in the following one', async () => {
    const w = scriptedWriter();
    const g = makeGroupCommit<string, string>({
      runOne: async (i) => (await w.call([i]))[0] as string,
      runBatch: (items) => w.call([...items]),
      maxBatch: 2,
    });
    const all = ['a', 'b', 'c', 'd'].map((i) => g.submit('dep', i));
    for (let n = 0; n < 3; n++) {
      await tick();
      w.calls[n]?.finish();
    }
    expect(await Promise.all(all)).toEqual(['ok:a', 'ok:b', 'ok:c', 'ok:d']);
    expect(w.calls.map((c) => c.items)).toEqual([['a'], ['b', 'c'], ['d']]);
  });

  it('a failed batch is written again item by item: a bad item fails alone', async () => {
    const errors: number[] = [];
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const g = makeGroupCommit<string, string>({
      runOne: async (i) => {
        if (i === 'a') await gate;
        if (i === 'bad') throw new Error('bad item');
        return `ok:${i}`;
      },
      runBatch: async () => {
        throw new Error('batch refused');
      },
      maxBatch: 10,
      onBatchError: (_err, size) => errors.push(size),
    });
    const a = g.submit('dep', 'a');
    const others = ['b', 'bad', 'c'].map((i) => g.submit('dep', i).catch((e: Error) => e.message));
    release();
    expect(await a).toBe('ok:a');
    expect(await Promise.all(others)).toEqual(['ok:b', 'bad item', 'ok:c']);
    expect(errors).toEqual([3]);
  });

  it('a batch that answers the wrong number of items counts as failed', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const g = makeGroupCommit<string, string>({
      runOne: async (i) => (i === 'a' ? (await gate, 'ok:a') : `one:${i}`),
      runBatch: async () => ['only one'],
      maxBatch: 10,
    });
    const a = g.submit('dep', 'a');
    const rest = ['b', 'c'].map((i) => g.submit('dep', i));
    release();
    await a;
    expect(await Promise.all(rest)).toEqual(['one:b', 'one:c']);
  });

  it('keeps serving a key after a single write failed', async () => {
    let fail = true;
    const g = makeGroupCommit<string, string>({
      runOne: async (i) => {
        if (fail) throw new Error('down');
        return `ok:${i}`;
      },
      runBatch: async (items) => items.map((i) => `ok:${i}`),
      maxBatch: 10,
    });
    await expect(g.submit('dep', 'a')).rejects.toThrow('down');
    fail = false;
    expect(await g.submit('dep', 'b')).toBe('ok:b');
  });

  it('the next batch is on its way before the previous answers are delivered', async () => {
    const log: string[] = [];
    const w = scriptedWriter();
    const g = makeGroupCommit<string, string>({
      runOne: async (i) => (await w.call([i]))[0] as string,
      runBatch: (items) => (log.push(`write ${items.join(',')}`), w.call([...items])),
      maxBatch: 10,
    });
    const a = g.submit('dep', 'a').then(() => log.push('answered a'));
    const rest = ['b', 'c'].map((i) => g.submit('dep', i));
    await tick();
    w.calls[0]?.finish();
    await a;
    expect(log).toEqual(['write b,c', 'answered a']);
    w.calls[1]?.finish();
    expect(await Promise.all(rest)).toEqual(['ok:b', 'ok:c']);
  });

  it('with maxInFlight 2, a second batch starts while the first is written; the rest wait', async () => {
    const w = scriptedWriter();
    const g = makeGroupCommit<string, string>({
      runOne: async (i) => (await w.call([i]))[0] as string,
      runBatch: (items) => w.call([...items]),
      maxBatch: 10,
      maxInFlight: 2,
    });
    const all = ['a', 'b', 'c', 'd'].map((i) => g.submit('dep', i));
    await tick();
    expect(w.calls.map((c) => c.items)).toEqual([['a'], ['b']]);
    w.calls[1]?.finish();
    await tick();
    expect(w.calls.map((c) => c.items)).toEqual([['a'], ['b'], ['c', 'd']]);
    w.calls[0]?.finish();
    w.calls[2]?.finish();
    expect(await Promise.all(all)).toEqual(['ok:a', 'ok:b', 'ok:c', 'ok:d']);
    await tick();
    expect(g.activeKeys()).toBe(0);
  });
});
