/**
 * Summarises a V8 `.cpuprofile` (from `BENCH_CPU_PROF=1 npm run bench:checkin`):
 * self time by package / area, and the top functions by self and by inclusive time.
 *
 *   npx tsx bench/tools/cpuprofile-summary.ts bench/results/cpu-profile-<timestamp>/<file>.cpuprofile [top]
 */
import fs from 'node:fs';

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}
interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

const file = process.argv[2];
const top = Number(process.argv[3] ?? 25);
if (file === undefined) {
  process.stderr.write('usage: tsx bench/tools/cpuprofile-summary.ts <file.cpuprofile> [top]\n');
  process.exit(2);
}
const profile = JSON.parse(fs.readFileSync(file, 'utf8')) as Profile;

const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const parent = new Map<number, number>();
for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);

/** Where a frame's code lives: a package, the server's own sources, Node internals, … */
const area = (f: CallFrame): string => {
  if (f.url === '') {
    return ['(garbage collector)', '(idle)', '(program)', '(root)'].includes(f.functionName)
      ? f.functionName
      : '(native)';
  }
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(f.url);
  if (pkg?.[1] !== undefined) return pkg[1];
  if (f.url.startsWith('node:')) return `node:${f.url.slice(5).split('/')[0] ?? ''}`;
  const src = /server\/src\/(.*)$/.exec(f.url);
  if (src?.[1] !== undefined) return `src/${src[1].split('/').slice(0, -1).join('/') || '.'}`;
  return f.url;
};
const label = (f: CallFrame): string =>
  `${f.functionName || '(anonymous)'} ${f.url.replace(/^.*node_modules\//, '').replace(/^file:\/\/.*\/server\//, 'server/')}:${f.lineNumber + 1}`;

const self = new Map<number, number>();
profile.samples.forEach((id, i) => {
  self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
});
const total = [...self.values()].reduce((a, b) => a + b, 0);
const idle = [...self].reduce(
  (sum, [id, us]) => (byId.get(id)?.callFrame.functionName === '(idle)' ? sum + us : sum),
  0,
);
const busy = total - idle;

const sumBy = (key: (f: CallFrame) => string): [string, number][] => {
  const m = new Map<string, number>();
  for (const [id, us] of self) {
    const node = byId.get(id);
    if (node === undefined || node.callFrame.functionName === '(idle)') continue;
    const k = key(node.callFrame);
    m.set(k, (m.get(k) ?? 0) + us);
  }
  return [...m].sort((a, b) => b[1] - a[1]);
};

// Inclusive time per function label (each sample counted once per distinct label on its stack).
const inclusive = new Map<string, number>();
profile.samples.forEach((id, i) => {
  const node = byId.get(id);
  if (node === undefined || node.callFrame.functionName === '(idle)') return;
  const seen = new Set<string>();
  for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
    const f = byId.get(cur)?.callFrame;
    if (f === undefined || f.url === '') continue;
    const l = label(f);
    if (seen.has(l)) continue;
    seen.add(l);
    inclusive.set(l, (inclusive.get(l) ?? 0) + (profile.timeDeltas[i] ?? 0));
  }
});

const pct = (us: number): string => `${((us / busy) * 100).toFixed(1).padStart(5)} %`;
const ms = (us: number): string => `${(us / 1000).toFixed(0).padStart(7)} ms`;
const out: string[] = [
  `profile ${((profile.endTime - profile.startTime) / 1e6).toFixed(1)} s, busy ${(busy / 1e6).toFixed(1)} s (idle ${(idle / 1e6).toFixed(1)} s); percentages are of busy time`,
  '',
  'Self time by area:',
  ...sumBy(area)
    .slice(0, top)
    .map(([k, us]) => `${ms(us)} ${pct(us)}  ${k}`),
  '',
  'Top functions by self time:',
  ...sumBy(label)
    .slice(0, top)
    .map(([k, us]) => `${ms(us)} ${pct(us)}  ${k}`),
  '',
  'Top functions by inclusive time:',
  ...[...inclusive]
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([k, us]) => `${ms(us)} ${pct(us)}  ${k}`),
];
process.stdout.write(`${out.join('\n')}\n`);
