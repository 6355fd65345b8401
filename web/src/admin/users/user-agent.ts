/**
 * "Chrome on Windows" from a User-Agent header: enough for an admin to tell a session on
 * the consulting-room PC from one on a phone. Order matters: Edge and Opera also say
 * "Chrome", Chrome also says "Safari", Android also says "Linux".
 */
const browsers: readonly [RegExp, string][] = [
  [/Edg\//, 'Edge'],
  [/OPR\//, 'Opera'],
  [/Firefox\//, 'Firefox'],
  [/Chromium\//, 'Chromium'],
  [/Chrome\//, 'Chrome'],
  [/Safari\//, 'Safari'],
];

const systems: readonly [RegExp, string][] = [
  [/Android/, 'Android'],
  [/iPhone|iPad|iPod/, 'iOS'],
  [/Windows/, 'Windows'],
  [/Mac OS X|Macintosh/, 'macOS'],
  [/CrOS/, 'ChromeOS'],
  [/Linux/, 'Linux'],
];

export const describeAgent = (agent: string | null): { browser: string; os: string } | null => {
  if (agent === null || agent.trim() === '') return null;
  const browser = browsers.find(([pattern]) => pattern.test(agent))?.[1];
  const os = systems.find(([pattern]) => pattern.test(agent))?.[1];
  if (browser === undefined && os === undefined) return null;
  return { browser: browser ?? '?', os: os ?? '?' };
};
