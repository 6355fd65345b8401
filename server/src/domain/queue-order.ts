import type { Priority } from './visit.js';

/**
 * Queue order and the fairness policy. Emergency before priority before normal; within a
 * class, earliest `queuedAt` first. Static priority starves normal patients, so after
 * `priorityBurst` consecutive priority calls a waiting normal patient goes next, and a
 * normal patient who has waited `maxWaitMinutes` counts as priority.
 *
 * Emergencies always go first and neither count towards nor reset the burst: a burst rule
 * must never make an emergency wait.
 */
export interface FairnessPolicy {
  readonly priorityBurst: number;
  readonly maxWaitMinutes: number | null;
}

export const defaultFairnessPolicy: FairnessPolicy = { priorityBurst: 3, maxWaitMinutes: null };

export type QueueClass = 'emergency' | 'priority' | 'normal';

export interface Queued {
  readonly priority: Priority;
  readonly queuedAt: Date;
}

/** The class a waiting patient is served in right now (ageing promotes normal → priority). */
export const effectiveClass = (q: Queued, policy: FairnessPolicy, now: Date): QueueClass => {
  if (q.priority !== 'normal') return q.priority;
  if (policy.maxWaitMinutes === null) return 'normal';
  const waitedMs = now.getTime() - q.queuedAt.getTime();
  return waitedMs >= policy.maxWaitMinutes * 60_000 ? 'priority' : 'normal';
};

/** The oldest-queued moment before which a normal patient counts as priority, or null. */
export const ageingCutoff = (policy: FairnessPolicy, now: Date): Date | null =>
  policy.maxWaitMinutes === null ? null : new Date(now.getTime() - policy.maxWaitMinutes * 60_000);

export interface ClassHeads<T> {
  readonly emergency?: T | undefined;
  readonly priority?: T | undefined;
  readonly normal?: T | undefined;
}

export interface Choice<T> {
  readonly next: T;
  readonly servedClass: QueueClass;
  /** Consecutive priority calls after this one. */
  readonly priorityStreak: number;
}

/** Picks who is called next from the head of each class. */
export const chooseNext = <T>(
  heads: ClassHeads<T>,
  priorityStreak: number,
  policy: FairnessPolicy,
): Choice<T> | null => {
  if (heads.emergency !== undefined) {
    return { next: heads.emergency, servedClass: 'emergency', priorityStreak };
  }
  const burstSpent = priorityStreak >= policy.priorityBurst;
  if (heads.normal !== undefined && (heads.priority === undefined || burstSpent)) {
    return { next: heads.normal, servedClass: 'normal', priorityStreak: 0 };
  }
  if (heads.priority !== undefined) {
    return { next: heads.priority, servedClass: 'priority', priorityStreak: priorityStreak + 1 };
  }
  return null;
};

const byQueuedAt = (a: Queued, b: Queued): number => a.queuedAt.getTime() - b.queuedAt.getTime();

/**
 * The order in which the waiting patients will be called if nobody new arrives: the
 * fairness policy applied repeatedly. Position 1 is whoever call-next takes now.
 */
export const projectQueueOrder = <T extends Queued>(
  waiting: readonly T[],
  priorityStreak: number,
  policy: FairnessPolicy,
  now: Date,
): T[] => {
  const buckets: Record<QueueClass, T[]> = { emergency: [], priority: [], normal: [] };
  for (const q of waiting) buckets[effectiveClass(q, policy, now)].push(q);
  for (const bucket of Object.values(buckets)) bucket.sort(byQueuedAt);
  const cursor: Record<QueueClass, number> = { emergency: 0, priority: 0, normal: 0 };
  const ordered: T[] = [];
  let streak = priorityStreak;
  for (;;) {
    const heads: ClassHeads<T> = {
      emergency: buckets.emergency[cursor.emergency],
      priority: buckets.priority[cursor.priority],
      normal: buckets.normal[cursor.normal],
    };
    const choice = chooseNext(heads, streak, policy);
    if (choice === null) return ordered;
    ordered.push(choice.next);
    cursor[choice.servedClass] += 1;
    streak = choice.priorityStreak;
  }
};
