// `npm start`: build what is stale, then run the server in the foreground.
// Plain Node, no dependencies, so it works straight after `npm ci`.
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

/** Newest mtime (ms) of a file, or of every file under a directory. 0 if missing. */
function newestMtime(path) {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = 0;
  for (const entry of readdirSync(path, { withFileTypes: true })) {
    newest = Math.max(newest, newestMtime(join(path, entry.name)));
  }
  return newest;
}

/** True when `output` is missing or any of `inputs` was modified after it. */
function isStale(output, inputs) {
  if (!existsSync(output)) return true;
  const built = statSync(output).mtimeMs;
  return inputs.some((input) => newestMtime(input) > built);
}

function run(command, args) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: root, stdio: 'inherit', shell: false });
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      if (code === 0) resolve();
      else reject(new Error(`${command} ${args.join(' ')} failed (${signal ?? `exit ${code}`})`));
    });
  });
}

async function buildIfStale() {
  const webOut = join(root, 'web/dist/index.html');
  if (isStale(webOut, [join(root, 'web/src'), join(root, 'web/index.html')])) {
    console.log('start: building web app (web/dist is missing or stale)');
    await run(npm, ['run', 'build', '-w', 'web']);
  }
  const serverOut = join(root, 'server/dist/main.js');
  if (isStale(serverOut, [join(root, 'server/src')])) {
    console.log('start: building server (server/dist is missing or stale)');
    await run(npm, ['run', 'build', '-w', 'server']);
  }
}

function runServer() {
  const child = spawn(process.execPath, [join(root, 'server/dist/main.js')], {
    cwd: root,
    env: process.env,
    stdio: 'inherit',
    shell: false,
  });
  // The server drains connections on SIGINT/SIGTERM; pass the signal on and wait for it.
  for (const signal of ['SIGINT', 'SIGTERM']) {
    process.on(signal, () => child.kill(signal));
  }
  child.on('error', (err) => {
    console.error(`start: could not run the server: ${err.message}`);
    process.exit(1);
  });
  child.on('exit', (code, signal) => {
    process.exit(code ?? (signal === 'SIGINT' ? 130 : signal === 'SIGTERM' ? 143 : 1));
  });
}

try {
  await buildIfStale();
} catch (err) {
  console.error(`start: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
}
runServer();
