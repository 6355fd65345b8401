import { startCountingProxy } from '../../../bench/lib/pg-proxy.js';
import { openPostgres } from '../../src/infrastructure/postgres/pg-database.js';
import { listen, startTestApp, testConfig, type TestApp } from './app.js';
import { freshPostgres, type TestDatabase } from './postgres.js';

export interface CountedApp {
  readonly db: TestDatabase;
  /** Every statement the app sent, by text (`counts.statements`). */
  readonly proxy: Awaited<ReturnType<typeof startCountingProxy>>;
  readonly t: TestApp;
  readonly base: string;
  readonly admin: string;
  close(): Promise<void>;
}

/**
 * A listening app on a fresh database whose every statement goes through a counting proxy
 * (bench/lib/pg-proxy.ts): for tests that prove how much database work something costs.
 */
export const startCountedApp = async (env: NodeJS.ProcessEnv): Promise<CountedApp> => {
  const db = await freshPostgres();
  const target = new URL(db.url);
  const proxy = await startCountingProxy({ host: target.hostname, port: Number(target.port) });
  target.port = String(proxy.port);
  const handle = openPostgres({ connectionString: target.toString(), poolSize: 4 });
  const t = await startTestApp(handle, { config: testConfig(env) });
  const base = await listen(t.app);
  const admin = await t.adminToken();
  return {
    db,
    proxy,
    t,
    base,
    admin,
    close: async () => {
      await t.close();
      await proxy.close();
      await db.drop();
    },
  };
};
