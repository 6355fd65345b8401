import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { dropDatabase } from '../db.js';
import type { ServerHandle } from '../server.js';
import type { ClientHandle, HubHandle } from './procs.js';
import { log, resultsDir, type Settings } from './settings.js';

/** The check-ins' idempotency records (24 h TTL): this run's only (by key prefix). */
const deleteRunKeys = async (redisUrl: string, keyPrefix: string): Promise<void> => {
  const redis = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 });
  try {
    await redis.connect();
    let cursor = '0';
    let deleted = 0;
    do {
      const [next, keys] = await redis.scan(
        cursor,
        'MATCH',
        `mq:idem:*:${keyPrefix}-*`,
        'COUNT',
        1000,
      );
      cursor = next;
      if (keys.length > 0) deleted += await redis.del(...keys);
    } while (cursor !== '0');
    if (deleted > 0) log(`deleted ${deleted} idempotency keys of this run from Redis`);
  } catch (err) {
    log(`could not clean Redis: ${String(err)}`);
  } finally {
    redis.disconnect();
  }
};

/**
 * What outlives a failed start: the child processes to stop, the problems seen so far, and
 * the clean-up (also on SIGINT/SIGTERM) that stops them, drops the database and deletes
 * this run's Redis keys.
 */
export const openRun = (cfg: Settings) => {
  const memFile = path.join(os.tmpdir(), `mediqueue-bench-fanout-${process.pid}.json`);
  const keyPrefix = `fanout-${randomBytes(4).toString('hex')}`;
  fs.mkdirSync(resultsDir, { recursive: true });
  const procs: {
    server: ServerHandle | null;
    client: ClientHandle | null;
    hub: HubHandle | null;
  } = { server: null, client: null, hub: null };
  const problems: string[] = [];
  const cleanup = async (): Promise<void> => {
    await procs.client?.stop().catch(() => undefined);
    procs.client = null;
    await procs.hub?.stop().catch(() => undefined);
    procs.hub = null;
    await procs.server?.stop().catch(() => undefined);
    procs.server = null;
    fs.rmSync(memFile, { force: true });
    if (!cfg.keepDatabase) {
      await dropDatabase(cfg.databaseUrl, cfg.database).catch((err: unknown) =>
        log(`could not drop ${cfg.database}: ${String(err)}`),
      );
    }
    await deleteRunKeys(cfg.redisUrl, keyPrefix);
  };
  const onSignal = (): void => {
    log('interrupted: cleaning up');
    void cleanup().finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  return {
    memFile,
    keyPrefix,
    procs,
    /** Each one fails the run (exit status 1); the report lists them. */
    problems: problems as readonly string[],
    problem: (text: string): void => {
      problems.push(text);
      log(`PROBLEM: ${text}`);
    },
    /** After a crash: the end of the server's log, if it was running. */
    logServerTail: (): void => {
      const tail = procs.server?.logTail();
      if (tail !== undefined && tail !== '') {
        log(`server log tail:\n${tail.split('\n').slice(-20).join('\n')}`);
      }
    },
    cleanup,
  };
};
export type Run = ReturnType<typeof openRun>;
