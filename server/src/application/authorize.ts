import { coversDepartment, type Actor, type StaffRole } from '../domain/actor.js';
import { DomainError } from '../domain/errors.js';

export type Caller = Actor['type'] | StaffRole;

/** The caller's role as the permission tables name it: a staff role, or the device kind. */
export const callerOf = (actor: Actor): Caller =>
  actor.type === 'staff' ? actor.role : actor.type;

export const requireCaller = (actor: Actor, allowed: readonly Caller[]): void => {
  if (!allowed.includes(callerOf(actor))) {
    throw new DomainError('FORBIDDEN', 'Your role does not allow this action');
  }
};

export const requireScope = (actor: Actor, departmentId: string): void => {
  if (!coversDepartment(actor, departmentId)) {
    throw new DomainError('FORBIDDEN', 'This department is outside your assignment');
  }
};

export const requireAdmin = (actor: Actor): void => requireCaller(actor, ['admin']);
