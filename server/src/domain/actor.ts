/**
 * Who is acting. Staff act in the departments they are assigned to (admins everywhere);
 * kiosks and boards hold device credentials scoped to departments.
 */
export const staffRoles = ['admin', 'reception', 'doctor'] as const;
export type StaffRole = (typeof staffRoles)[number];

export type Actor =
  | {
      readonly type: 'staff';
      readonly id: string;
      readonly role: StaffRole;
      readonly departmentIds: readonly string[];
      /**
       * The login (refresh-token family) the credential belongs to. Kept with the actor so
       * that whatever outlives the request — an open stream, a stream ticket — can be ended
       * when that one session is revoked, not only when the whole account is.
       */
      readonly sessionId?: string;
    }
  | { readonly type: 'kiosk'; readonly id: string; readonly departmentIds: readonly string[] }
  | { readonly type: 'board'; readonly id: string; readonly departmentIds: readonly string[] }
  | { readonly type: 'system'; readonly id: string };

export const isAdmin = (actor: Actor): boolean => actor.type === 'staff' && actor.role === 'admin';

/** Whether the actor's scope covers the department (admins and the system: everywhere). */
export const coversDepartment = (actor: Actor, departmentId: string): boolean => {
  switch (actor.type) {
    case 'system':
      return true;
    case 'staff':
      return actor.role === 'admin' || actor.departmentIds.includes(departmentId);
    case 'kiosk':
    case 'board':
      return actor.departmentIds.includes(departmentId);
    default: {
      const unreachable: never = actor;
      return unreachable;
    }
  }
};

/** The identity an idempotency key is scoped to: two kiosks may use the same key. */
export const credentialKey = (actor: Actor): string => `${actor.type}:${actor.id}`;
