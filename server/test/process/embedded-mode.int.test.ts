import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  startServer,
  freePort,
  login,
  postJson,
  PROCESS_JWT_SECRET,
  runTs,
  STRONG_PASSWORD,
  type Spawned,
} from '../support/process.js';

/**
 * The newcomer's path: no DATABASE_URL, no REDIS_URL. The admin CLI and the server run on
 * PGlite under DATA_DIR; the data survives a restart; a second server on the same
 * directory is refused; SIGTERM shuts down cleanly.
 */
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mediqueue-embedded-'));
const env = {
  DATA_DIR: dataDir,
  JWT_SECRET: PROCESS_JWT_SECRET,
  LOG_LEVEL: 'info',
  NODE_ENV: 'development',
};
const running: Spawned[] = [];

afterAll(() => {
  for (const s of running) s.child.kill('SIGKILL');
  fs.rmSync(dataDir, { recursive: true, force: true });
});

const start = async (): Promise<{ base: string; server: Spawned }> => {
  const started = await startServer(env, 90_000);
  running.push(started.server);
  return started;
};

describe('embedded mode (PGlite)', () => {
  it('serves the API, keeps data across a restart, refuses a second process, and stops on SIGTERM', async () => {
    const admin = runTs(
      'src/cli/admin-create.ts',
      ['--username', 'admin', '--password', STRONG_PASSWORD],
      env,
    );
    expect(await admin.exited, admin.output()).toBe(0);

    const first = await start();
    expect(first.server.output()).not.toContain('No admin yet'); // admin:create made one
    const token = await login(first.base, 'admin');
    const dep = await postJson(first.base, '/api/v1/admin/departments', token, {
      code: 'EMB',
      name: 'Embedded',
    });
    expect(dep.status).toBe(201);
    const departmentId = (dep.body.department as { id: string }).id;
    const results = await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        postJson(
          first.base,
          '/api/v1/checkins',
          token,
          { departmentId },
          { 'idempotency-key': `e-${i}` },
        ),
      ),
    );
    const seqs = results.map((r) => (r.body.visit as { seq: number }).seq).sort((a, b) => a - b);
    expect(seqs).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));

    const second = runTs('src/main.ts', [], { ...env, PORT: String(await freePort()) });
    running.push(second);
    expect(await second.exited).not.toBe(0);
    expect(second.output()).toContain('another MediQue process is using');

    first.server.child.kill('SIGTERM');
    expect(await first.server.exited).toBe(0);

    const again = await start();
    const token2 = await login(again.base, 'admin');
    const next = await postJson(
      again.base,
      '/api/v1/checkins',
      token2,
      { departmentId },
      { 'idempotency-key': 'after-restart' },
    );
    expect(next.status).toBe(201);
    expect((next.body.visit as { ticket: string }).ticket).toBe('EMB-031');
    again.server.child.kill('SIGTERM');
    expect(await again.server.exited).toBe(0);
  }, 240_000);
});
