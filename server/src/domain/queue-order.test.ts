import { describe, expect, it } from 'vitest';
import {
  chooseNext,
  effectiveClass,
  projectQueueOrder,
  type FairnessPolicy,
} from './queue-order.js';
import type { Priority } from './visit.js';

const policy: FairnessPolicy = { priorityBurst: 3, maxWaitMinutes: null };
const t0 = new Date('2026-11-23T08:00:00Z');
const q = (name: string, priority: Priority, minute: number) => ({
  name,
  priority,
  queuedAt: new Date(t0.getTime() + minute * 60_000),
});
const names = (xs: { name: string }[]) => xs.map((x) => x.name);

describe('chooseNext', () => {
  it('takes emergency before priority before normal', () => {
    expect(chooseNext({ emergency: 'E', priority: 'P', normal: 'N' }, 0, policy)?.next).toBe('E');
    expect(chooseNext({ priority: 'P', normal: 'N' }, 0, policy)?.next).toBe('P');
    expect(chooseNext({ normal: 'N' }, 0, policy)?.next).toBe('N');
    expect(chooseNext({}, 0, policy)).toBeNull();
  });

  it('after priorityBurst consecutive priority calls, a waiting normal patient goes next', () => {
    expect(chooseNext({ priority: 'P', normal: 'N' }, 2, policy)).toMatchObject({
      next: 'P',
      priorityStreak: 3,
    });
    expect(chooseNext({ priority: 'P', normal: 'N' }, 3, policy)).toMatchObject({
      next: 'N',
      priorityStreak: 0,
    });
  });

  it('the burst rule never makes an emergency wait, and emergencies do not touch the streak', () => {
    expect(chooseNext({ emergency: 'E', normal: 'N' }, 3, policy)).toMatchObject({
      next: 'E',
      priorityStreak: 3,
    });
  });

  it('with no normal patient waiting, priority patients keep going', () => {
    expect(chooseNext({ priority: 'P' }, 10, policy)).toMatchObject({
      next: 'P',
      priorityStreak: 11,
    });
  });
});

describe('effectiveClass (ageing)', () => {
  const ageing: FairnessPolicy = { priorityBurst: 3, maxWaitMinutes: 30 };
  it('a normal patient who waited maxWaitMinutes is served as priority', () => {
    const now = new Date(t0.getTime() + 30 * 60_000);
    expect(effectiveClass(q('a', 'normal', 0), ageing, now)).toBe('priority');
    expect(effectiveClass(q('b', 'normal', 1), ageing, now)).toBe('normal');
    expect(effectiveClass(q('c', 'normal', 0), policy, now)).toBe('normal');
    expect(effectiveClass(q('d', 'emergency', 0), ageing, now)).toBe('emergency');
  });
});

describe('projectQueueOrder', () => {
  it('orders by class then queue time, interleaving a normal patient after each priority burst', () => {
    const waiting = [
      q('n1', 'normal', 0),
      q('p1', 'priority', 1),
      q('n2', 'normal', 2),
      q('p2', 'priority', 3),
      q('e1', 'emergency', 4),
      q('p3', 'priority', 5),
      q('p4', 'priority', 6),
      q('p5', 'priority', 7),
    ];
    expect(names(projectQueueOrder(waiting, 0, policy, t0))).toEqual([
      'e1',
      'p1',
      'p2',
      'p3',
      'n1',
      'p4',
      'p5',
      'n2',
    ]);
  });

  it('continues from the current streak', () => {
    const waiting = [q('n1', 'normal', 0), q('p1', 'priority', 1)];
    expect(names(projectQueueOrder(waiting, 3, policy, t0))).toEqual(['n1', 'p1']);
  });

  it('is a permutation of its input', () => {
    const waiting = Array.from({ length: 50 }, (_, i) =>
      q(`v${i}`, (['normal', 'priority', 'emergency'] as const)[i % 3] ?? 'normal', (i * 7) % 13),
    );
    const ordered = projectQueueOrder(waiting, 1, policy, t0);
    expect(new Set(names(ordered))).toEqual(new Set(names(waiting)));
    expect(ordered).toHaveLength(50);
  });
});
