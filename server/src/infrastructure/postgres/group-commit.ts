/**
 * Group commit (ADR 10): items with the same key (a department and service day) are
 * written one batch at a time; items that arrive while a batch is being written wait and go
 * together in the next. An item arriving at an idle key is written at once, alone — at low
 * load this is exactly the one-statement path, with no added wait.
 *
 * Why it pays: a department's writes serialize on its counter row, whose lock is held until
 * COMMIT returns (the WAL flush). One at a time, throughput is 1 / (statement + commit);
 * in batches it is n / (a slightly longer statement + the same one commit).
 *
 * Failure: a batch is one atomic statement, so when it fails nothing of it was written,
 * and each of its items is then written again on its own — a bad item fails alone, the
 * others succeed. A promise resolves only with what a committed statement returned.
 */
export interface GroupCommitOptions<I, O> {
  /** Writes the items as one atomic unit: one answer per item, in the items' order. */
  readonly runBatch: (items: readonly I[]) => Promise<O[]>;
  /** Writes one item alone: a batch of one, and each item again after a failed batch. */
  readonly runOne: (item: I) => Promise<O>;
  /** At most this many items per batch; the rest wait for the next. */
  readonly maxBatch: number;
  /**
   * Batches of one key written at the same time (default 1). With 2, the next batch is
   * already in the database — claiming its keys, queued on the counter lock — while the
   * previous one waits for its COMMIT to be flushed.
   */
  readonly maxInFlight?: number;
  /** Told when a batch failed and its items are retried one by one. */
  readonly onBatchError?: (err: unknown, size: number) => void;
  /** Told the size of every write that succeeded (1 for an item written alone). */
  readonly onWritten?: (size: number) => void;
}

interface Pending<I, O> {
  readonly item: I;
  readonly resolve: (out: O) => void;
  readonly reject: (err: unknown) => void;
}

interface Queue<I, O> {
  readonly waiting: Pending<I, O>[];
  inFlight: number;
}

export interface GroupCommit<I, O> {
  submit(key: string, item: I): Promise<O>;
  /** Keys with a batch being written or waiting (for tests and metrics). */
  readonly activeKeys: () => number;
}

export const makeGroupCommit = <I, O>(options: GroupCommitOptions<I, O>): GroupCommit<I, O> => {
  const maxInFlight = Math.max(1, options.maxInFlight ?? 1);
  // A key is present exactly while it has items waiting or batches in flight.
  const queues = new Map<string, Queue<I, O>>();

  const settleOne = async (p: Pending<I, O>): Promise<void> => {
    try {
      const out = await options.runOne(p.item);
      options.onWritten?.(1);
      p.resolve(out);
    } catch (err) {
      p.reject(err);
    }
  };

  /** Writes a batch; returns how to answer its items (after the next batch is on its way). */
  const write = async (batch: Pending<I, O>[]): Promise<() => void> => {
    const only = batch.length === 1 ? batch[0] : undefined;
    if (only !== undefined) {
      try {
        const out = await options.runOne(only.item);
        return () => {
          options.onWritten?.(1);
          only.resolve(out);
        };
      } catch (err) {
        return () => only.reject(err);
      }
    }
    try {
      const outs = await options.runBatch(batch.map((p) => p.item));
      if (outs.length !== batch.length) {
        throw new Error(`a batch of ${batch.length} returned ${outs.length} answers`);
      }
      return () => {
        options.onWritten?.(batch.length);
        batch.forEach((p, i) => p.resolve(outs[i] as O));
      };
    } catch (err) {
      try {
        options.onBatchError?.(err, batch.length);
      } catch {
        // an observer's failure must not strand the batch
      }
      // Concurrently: on a database that hangs, one by one would multiply the timeouts.
      await Promise.all(batch.map(settleOne));
      return () => {};
    }
  };

  const pump = (key: string, q: Queue<I, O>): void => {
    while (q.inFlight < maxInFlight && q.waiting.length > 0) {
      const batch = q.waiting.splice(0, options.maxBatch);
      q.inFlight += 1;
      void write(batch)
        .catch((err: unknown) => () => batch.forEach((p) => p.reject(err)))
        .then((answer) => {
          q.inFlight -= 1;
          // The next batch first: it goes to the database while these answers are sent.
          pump(key, q);
          answer();
        });
    }
    // No await between these checks and the delete: nothing can be queued in between.
    if (q.inFlight === 0 && q.waiting.length === 0) queues.delete(key);
  };

  return {
    submit: (key, item) =>
      new Promise<O>((resolve, reject) => {
        let q = queues.get(key);
        if (q === undefined) {
          q = { waiting: [], inFlight: 0 };
          queues.set(key, q);
        }
        q.waiting.push({ item, resolve, reject });
        pump(key, q);
      }),
    activeKeys: () => queues.size,
  };
};
