// `npm start`: build what is stale, then run the server in this very process.
// Plain Node, no dependencies, so it works straight after `npm ci`.
import { spawn } from 'node:child_process';
import cluster from 'node:cluster';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

/** Newest mtime (ms) of a file, or of every file under a directory; 0 if missing. */
function newestMtime(path) {
  let stat;
  try {
    stat = statSync(path);
  } catch {
    return 0;
  }
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = 0;
  for (const name of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, name)));
  return newest;
}

/** True when `output` is missing or any of `inputs` was modified after it. */
function isStale(output, inputs) {
  const built = newestMtime(output);
  return built === 0 || inputs.some((input) => newestMtime(input) > built);
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

// Walking the source trees costs ~10 ms for ~350 files (bench:restart, issue 13): cheap
// next to a wrong answer, so no build stamp to trust instead of the files themselves.
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

try {
  // WEB_CONCURRENCY's workers re-run this file (cluster forks process.argv[1]): the primary
  // has built already.
  if (cluster.isPrimary) await buildIfStale();
} catch (err) {
  console.error(`start: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
}
// The server runs here rather than in a child process: one Node start-up less (restart
// time, issue 13), and Ctrl+C and SIGTERM reach it directly instead of being relayed.
// DATA_DIR's default (./data) stays relative to the repository root, wherever this was run.
process.chdir(root);
await import(pathToFileURL(join(root, 'server/dist/main.js')).href);
