import type { FairnessPolicy } from './queue-order.js';

export interface Room {
  readonly id: string;
  readonly departmentId: string;
  readonly name: string;
  readonly active: boolean;
}

export interface Department {
  readonly id: string;
  /** 2–6 upper-case letters; the ticket prefix. */
  readonly code: string;
  readonly name: string;
  readonly active: boolean;
  readonly policy: FairnessPolicy;
  readonly rooms: readonly Room[];
}
