import { describe, expect, it } from 'vitest';
import type { Catalogue } from '../shared/i18n/messages';
import { allNamespaces } from './namespaces';

const keysOf = (catalogue: Catalogue, prefix = ''): string[] =>
  Object.entries(catalogue).flatMap(([key, value]) =>
    typeof value === 'string' ? [`${prefix}${key}`] : keysOf(value, `${prefix}${key}.`),
  );

const leaves = (catalogue: Catalogue, prefix = ''): [string, string][] =>
  Object.entries(catalogue).flatMap(([key, value]) =>
    typeof value === 'string'
      ? [[`${prefix}${key}`, value] as [string, string]]
      : leaves(value, `${prefix}${key}.`),
  );

describe.each(Object.entries(allNamespaces))('catalogue "%s"', (_name, catalogue) => {
  it('has every English key in French, and no French key English lacks', () => {
    expect(keysOf(catalogue.fr as Catalogue).sort()).toEqual(keysOf(catalogue.en).sort());
  });

  it('has no empty translation', () => {
    for (const [key, value] of leaves(catalogue.fr)) {
      expect(value.trim(), `fr ${key}`).not.toBe('');
    }
  });
});
