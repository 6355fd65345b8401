import fs from 'node:fs';

/**
 * What a V8 heap snapshot holds, by node type and name (constructor, or "(closure)",
 * "(string)" …), and the difference between two: where the memory of N streams went.
 */

interface RawSnapshot {
  snapshot: { meta: { node_fields: string[]; node_types: [string[], ...unknown[]] } };
  nodes: number[];
  strings: string[];
}

export interface HeapGroup {
  readonly key: string;
  readonly count: number;
  readonly selfSize: number;
}

export const groupSnapshot = (file: string): Map<string, HeapGroup> => {
  const raw = JSON.parse(fs.readFileSync(file, 'utf8')) as RawSnapshot;
  const fields = raw.snapshot.meta.node_fields;
  const width = fields.length;
  const typeAt = fields.indexOf('type');
  const nameAt = fields.indexOf('name');
  const sizeAt = fields.indexOf('self_size');
  const types = raw.snapshot.meta.node_types[0];
  const groups = new Map<string, { count: number; selfSize: number }>();
  for (let i = 0; i < raw.nodes.length; i += width) {
    const type = types[raw.nodes[i + typeAt] ?? 0] ?? '?';
    let name = raw.strings[raw.nodes[i + nameAt] ?? 0] ?? '?';
    // Strings and code are grouped by kind, not by content.
    if (type === 'string' || type === 'concatenated string' || type === 'sliced string') {
      name = '';
    } else if (type === 'code' || type === 'hidden' || type === 'number') {
      name = name.startsWith('system /') ? name.split(' ').slice(0, 2).join(' ') : '';
    } else if (name.length > 60) {
      name = `${name.slice(0, 57)}…`;
    }
    const key = `${type}${name === '' ? '' : ` ${name}`}`;
    const g = groups.get(key);
    const size = raw.nodes[i + sizeAt] ?? 0;
    if (g === undefined) groups.set(key, { count: 1, selfSize: size });
    else {
      g.count += 1;
      g.selfSize += size;
    }
  }
  return new Map([...groups].map(([key, g]) => [key, { key, ...g }]));
};

/** after − before, largest added self size first. */
export const diffSnapshots = (beforeFile: string, afterFile: string): HeapGroup[] => {
  const before = groupSnapshot(beforeFile);
  const after = groupSnapshot(afterFile);
  const out: HeapGroup[] = [];
  for (const [key, a] of after) {
    const b = before.get(key);
    out.push({
      key,
      count: a.count - (b?.count ?? 0),
      selfSize: a.selfSize - (b?.selfSize ?? 0),
    });
  }
  for (const [key, b] of before) {
    if (!after.has(key)) out.push({ key, count: -b.count, selfSize: -b.selfSize });
  }
  return out.sort((x, y) => y.selfSize - x.selfSize);
};
