import type { VisitEventType } from './state-machine.js';
import type { Visit } from './visit.js';

/**
 * One committed change, as recorded in the department's event log. `eventId` is the
 * department's gap-free event number, allocated in the transaction that made the change.
 */
export interface VisitEvent {
  readonly departmentId: string;
  readonly eventId: number;
  readonly type: VisitEventType;
  readonly visit: Visit;
  readonly serviceDay: string;
  readonly occurredAt: Date;
}
