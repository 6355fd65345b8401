import type { StaffRole } from './actor.js';

/** A staff account (never its password hash, which only the login lookup returns). */
export interface StaffUser {
  readonly id: string;
  readonly username: string;
  readonly role: StaffRole;
  readonly active: boolean;
  readonly departmentIds: readonly string[];
  readonly passwordChangedAt: Date;
}
