import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

/**
 * The Dockerfile's runtime stage, replayed without Docker (issue 10, item 5): these machines
 * have no Docker engine, so the image's layout is rebuilt in a directory from the
 * Dockerfile's own instructions — read from the file, not restated here — and any
 * instruction this replayer does not know fails the test instead of being skipped.
 */

export interface Instruction {
  readonly keyword: string;
  readonly args: string;
}

export interface Stage {
  readonly image: string;
  readonly name: string | undefined;
  readonly instructions: readonly Instruction[];
}

/** Stages of a Dockerfile: continuation lines joined, comments and parser directives dropped. */
export const parseDockerfile = (text: string): Stage[] => {
  const lines: string[] = [];
  let pending = '';
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (pending === '' && (line === '' || line.startsWith('#'))) continue;
    if (line.startsWith('#')) continue; // a comment inside a continued instruction
    if (line.endsWith('\\')) {
      pending += `${line.slice(0, -1).trim()} `;
      continue;
    }
    lines.push(`${pending}${line}`.trim());
    pending = '';
  }
  const stages: { image: string; name: string | undefined; instructions: Instruction[] }[] = [];
  for (const line of lines) {
    const [keyword = '', ...rest] = line.split(/\s+/);
    const args = rest.join(' ');
    if (keyword.toUpperCase() === 'FROM') {
      const from = /^(\S+)(?:\s+AS\s+(\S+))?$/i.exec(args);
      stages.push({ image: from?.[1] ?? args, name: from?.[2], instructions: [] });
    } else {
      const stage = stages.at(-1);
      if (stage === undefined) throw new Error(`Dockerfile: "${line}" before any FROM`);
      stage.instructions.push({ keyword: keyword.toUpperCase(), args });
    }
  }
  return stages;
};

export interface RuntimeLayout {
  /** The image's directory (`WORKDIR`), here. */
  readonly root: string;
  readonly env: Record<string, string>;
  readonly user: string | undefined;
  /** `CMD`, as an argv. */
  readonly cmd: readonly string[];
  /** The `HEALTHCHECK … CMD`, as an argv. */
  readonly healthcheck: readonly string[] | undefined;
  /** What `apt-get install` put in the image. */
  readonly aptPackages: readonly string[];
}

export interface ReplayOptions {
  /** The build context (the repository). */
  readonly context: string;
  /** Where the image's WORKDIR goes. */
  readonly root: string;
  /** A path of the build stage (`COPY --from=build <path>`) → where that output is here. */
  readonly buildOutput: (imagePath: string) => Promise<string>;
  /** Runs a command in `cwd`; rejects on a non-zero exit. */
  readonly exec: (argv: readonly string[], cwd: string) => Promise<void>;
  /** Checks that this machine has what an apt package gives the image. */
  readonly aptPackage: (name: string) => void;
}

const jsonArgv = (text: string, what: string): string[] => {
  const parsed: unknown = JSON.parse(text);
  if (!Array.isArray(parsed) || !parsed.every((a) => typeof a === 'string')) {
    throw new Error(`Dockerfile: ${what} must be a JSON array of strings: ${text}`);
  }
  return parsed;
};

/** Replays the stage named `name` into `options.root`. */
export const replayStage = async (
  dockerfile: string,
  name: string,
  options: ReplayOptions,
): Promise<RuntimeLayout> => {
  const stage = parseDockerfile(dockerfile).find((s) => s.name === name);
  if (stage === undefined) throw new Error(`Dockerfile has no stage "${name}"`);
  let workdir: string | undefined;
  const env: Record<string, string> = {};
  const aptPackages: string[] = [];
  let user: string | undefined;
  let cmd: string[] = [];
  let healthcheck: string[] | undefined;
  /** An image path under WORKDIR → here. */
  const here = (imagePath: string): string => {
    if (workdir === undefined) throw new Error('Dockerfile: a path is used before WORKDIR');
    const absolute = path.posix.resolve(workdir, imagePath);
    const relative = path.posix.relative(workdir, absolute);
    if (relative.startsWith('..')) throw new Error(`outside WORKDIR (${workdir}): ${imagePath}`);
    return path.join(options.root, relative);
  };

  for (const { keyword, args } of stage.instructions) {
    switch (keyword) {
      case 'ENV':
        for (const pair of args.split(/\s+/)) {
          const [key, ...value] = pair.split('=');
          if (key === undefined || value.length === 0) throw new Error(`ENV: ${pair}`);
          env[key] = value.join('=');
        }
        break;
      case 'WORKDIR':
        workdir = args;
        fs.mkdirSync(options.root, { recursive: true });
        break;
      case 'COPY':
        await copy(args, options, here);
        break;
      case 'RUN':
        await run(args, options, workdir, aptPackages, here);
        break;
      case 'USER':
        user = args;
        break;
      case 'EXPOSE':
        break;
      case 'HEALTHCHECK':
        healthcheck = jsonArgv(args.replace(/^(--\S+\s+)*CMD\s+/, ''), 'HEALTHCHECK CMD');
        break;
      case 'CMD':
        cmd = jsonArgv(args, 'CMD');
        break;
      default:
        throw new Error(`runtime-layout.ts cannot replay "${keyword} ${args}": teach it`);
    }
  }
  return { root: options.root, env, user, cmd, healthcheck, aptPackages };
};

const copy = async (
  args: string,
  options: ReplayOptions,
  here: (imagePath: string) => string,
): Promise<void> => {
  const words = args.split(/\s+/);
  const from = words[0]?.startsWith('--from=') ? words.shift()?.slice('--from='.length) : undefined;
  if (words.some((w) => w.startsWith('--'))) throw new Error(`COPY option not replayed: ${args}`);
  const dest = words.pop();
  if (dest === undefined || words.length === 0) throw new Error(`COPY: ${args}`);
  if (from !== undefined && from !== 'build') throw new Error(`COPY --from=${from}: unknown stage`);
  const intoDirectory = dest.endsWith('/') || words.length > 1;
  for (const source of words) {
    const hostSource =
      from === undefined ? path.join(options.context, source) : await options.buildOutput(source);
    if (!fs.existsSync(hostSource)) throw new Error(`COPY source missing: ${hostSource}`);
    const target = intoDirectory ? path.join(here(dest), path.basename(source)) : here(dest);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.cpSync(hostSource, target, { recursive: true });
  }
};

const run = async (
  args: string,
  options: ReplayOptions,
  workdir: string | undefined,
  aptPackages: string[],
  here: (imagePath: string) => string,
): Promise<void> => {
  const outsideWorkdir = (dir: string) =>
    workdir === undefined ||
    path.posix.relative(workdir, path.posix.resolve(workdir, dir)).startsWith('..');
  for (const command of args.split('&&').map((c) => c.trim())) {
    const argv = command.split(/\s+/);
    const [program, sub] = argv;
    if (program === 'npm' && sub === 'ci') {
      // The same install, from this machine's npm cache where it can (CI has just filled it).
      await options.exec([...argv, '--prefer-offline', '--no-audit', '--no-fund'], here('.'));
    } else if (program === 'npm' && sub === 'cache') {
      // `npm cache clean` keeps the image small; here it would empty this machine's cache.
    } else if (program === 'apt-get' && sub === 'install') {
      const names = argv.slice(2).filter((a) => !a.startsWith('-'));
      for (const name of names) options.aptPackage(name);
      aptPackages.push(...names);
    } else if (
      (program === 'apt-get' && sub === 'update') ||
      command === 'rm -rf /var/lib/apt/lists/*'
    ) {
      // apt's own housekeeping.
    } else if (program === 'mkdir' && sub === '-p') {
      // Directories outside WORKDIR (/backups) are volumes' mount points: nothing to do here.
      for (const dir of argv.slice(2).filter((d) => !outsideWorkdir(d))) {
        fs.mkdirSync(here(dir), { recursive: true });
      }
    } else if (program === 'chown') {
      // Ownership for the `node` user; this test runs as whoever runs it.
    } else {
      throw new Error(`runtime-layout.ts cannot replay "RUN ${command}": teach it`);
    }
  }
};

/** Runs `argv` in `cwd` with `env` only; rejects with its output on a non-zero exit. */
export const execIn =
  (env: NodeJS.ProcessEnv) =>
  (argv: readonly string[], cwd: string): Promise<void> =>
    new Promise((resolve, reject) => {
      const [program = '', ...rest] = argv;
      const child = spawn(program, rest, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      child.stdout.on('data', (d: Buffer) => (out += d.toString()));
      child.stderr.on('data', (d: Buffer) => (out += d.toString()));
      child.on('error', reject);
      child.on('exit', (code) =>
        code === 0 ? resolve() : reject(new Error(`${argv.join(' ')} exited ${code}:\n${out}`)),
      );
    });
