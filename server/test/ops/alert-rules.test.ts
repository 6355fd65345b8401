import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { makeMetrics } from '../../src/presentation/http/metrics.js';
import { systemClock } from '../../src/infrastructure/time/system-clock.js';
import { serverDir } from '../support/process.js';

/**
 * Issue 10, item 8: deploy/alerts.yml asks for metrics the service really exports, points at
 * runbook sections that exist, and fires in the cases deploy/alerts.test.yml describes
 * (Debian's promtool: `apt-get install prometheus`; .ci/run installs it).
 */
const deploy = path.resolve(serverDir, '../deploy');
const operations = readFileSync(path.resolve(serverDir, '../docs/operations.md'), 'utf8');

interface Rule {
  alert: string;
  expr: string;
  labels: { severity: string };
  annotations: { summary: string; runbook: string };
}
const rules = (
  parse(readFileSync(path.join(deploy, 'alerts.yml'), 'utf8')) as { groups: { rules: Rule[] }[] }
).groups.flatMap((g) => g.rules);

/** Metric names in a PromQL expression: what is left once matchers, groupings and functions go. */
const promqlWords = new Set(['sum', 'rate', 'increase', 'histogram_quantile', 'by', 'and']);
const metricNames = (expr: string): string[] =>
  expr
    .replace(/\{[^}]*\}/g, ' ')
    .replace(/\bby\s*\([^)]*\)/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ')
    .match(/[a-z_][a-z0-9_]*/g)
    ?.filter((w) => !promqlWords.has(w)) ?? [];

/** What the service exports, as Prometheus sees the names (histograms as their series). */
const exported = async (): Promise<Set<string>> => {
  const metrics = makeMetrics(systemClock);
  const text = await metrics.render();
  const names = new Set(['up']); // Prometheus's own, per target
  for (const [, name, type] of text.matchAll(/^# TYPE (\S+) (\S+)$/gm)) {
    if (name === undefined) continue;
    names.add(name);
    if (type === 'histogram') for (const s of ['_bucket', '_sum', '_count']) names.add(name + s);
  }
  return names;
};

/** GitHub's anchor for a Markdown heading. */
const anchor = (heading: string): string =>
  heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N} _-]/gu, '')
    .replace(/ /g, '-');

describe('deploy/alerts.yml', () => {
  it('names the five conditions of the issue and more', () => {
    expect(rules.map((r) => r.alert)).toEqual(
      expect.arrayContaining([
        'MediQueHighErrorRate',
        'MediQueNotReady',
        'MediQueFanoutLag',
        'MediQueDbPoolSaturated',
        'MediQueJobFailing',
      ]),
    );
  });

  it('asks only for metrics the service exports', async () => {
    const names = await exported();
    for (const rule of rules) {
      const used = metricNames(rule.expr);
      expect(used.length, rule.alert).toBeGreaterThan(0);
      for (const name of used) expect(names, `${rule.alert}: ${name}`).toContain(name);
    }
  });

  it('points every alert at a runbook section of docs/operations.md', () => {
    const anchors = new Set(
      [...operations.matchAll(/^#{2,4} (.+)$/gm)].map((m) => anchor(m[1] ?? '')),
    );
    for (const rule of rules) {
      expect(['warning', 'critical'], rule.alert).toContain(rule.labels.severity);
      const [file, section] = rule.annotations.runbook.split('#');
      expect(file, rule.alert).toBe('docs/operations.md');
      expect(anchors, rule.alert).toContain(section);
    }
  });
});

describe('mediqueue_ready', () => {
  it.each([
    [true, 1],
    [false, 0],
  ])('reports what the readiness check answers (%s → %d)', async (ready, value) => {
    const metrics = makeMetrics(systemClock);
    metrics.readReadyFrom(async () => ready);
    expect(await metrics.render()).toMatch(new RegExp(`^mediqueue_ready ${value}$`, 'm'));
  });
});

const promtool = process.env.PROMTOOL_PATH ?? '/usr/bin/promtool';
const runPromtool = (args: string[]): string => {
  if (!existsSync(promtool)) {
    throw new Error(
      `promtool not found at ${promtool}: apt-get install prometheus (Debian), or set PROMTOOL_PATH`,
    );
  }
  return execFileSync(promtool, args, { cwd: deploy, encoding: 'utf8', stdio: 'pipe' });
};

describe('promtool', () => {
  it('accepts the rules', () => {
    expect(runPromtool(['check', 'rules', 'alerts.yml'])).toMatch(/SUCCESS: \d+ rules found/);
  });

  it('fires them as deploy/alerts.test.yml expects, and only then', () => {
    expect(runPromtool(['test', 'rules', 'alerts.test.yml'])).toMatch(/SUCCESS/);
  });

  it('accepts the example scrape configuration', () => {
    // --syntax-only: the token file it names exists only on the Prometheus host.
    expect(runPromtool(['check', 'config', '--syntax-only', 'prometheus.yml'])).toMatch(/SUCCESS/);
  });
});
