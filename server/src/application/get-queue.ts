import type { Actor } from '../domain/actor.js';
import type { Department } from '../domain/department.js';
import { notFound } from '../domain/errors.js';
import { projectQueueOrder } from '../domain/queue-order.js';
import { serviceDayOf } from '../domain/ticket.js';
import type { Visit } from '../domain/visit.js';
import { estimateWaitMinutes, median } from '../domain/wait-estimate.js';
import { requireCaller, requireScope } from './authorize.js';
import type { Clock, Transactor } from './ports.js';

export interface Queue {
  readonly department: Department;
  readonly serviceDay: string;
  /** The department event number this view includes every change up to. */
  readonly lastEventId: number;
  /** In the order call-next will take them. */
  readonly waiting: Visit[];
  readonly called: Visit[];
  readonly inConsultation: Visit[];
  readonly stats: {
    readonly waitingCount: number;
    readonly medianWaitMinutes: number | null;
    /** For someone checking in now. */
    readonly estimatedWaitMinutes: number | null;
  };
}

interface Deps {
  readonly tx: Transactor;
  readonly clock: Clock;
  readonly timeZone: string;
}

export const makeGetQueue =
  ({ tx, clock, timeZone }: Deps) =>
  async ({ actor, departmentId }: { actor: Actor; departmentId: string }): Promise<Queue> => {
    requireCaller(actor, ['admin', 'reception', 'doctor']);
    const now = clock.now();
    const serviceDay = serviceDayOf(now, timeZone);
    // One snapshot: the lists and lastEventId must describe the same moment, or a stream
    // resuming from lastEventId would replay or skip a change.
    const { department, snapshot } = await tx.run(
      async ({ departments, queue }) => {
        const found = await departments.findById(departmentId);
        if (found === null) throw notFound('Department');
        requireScope(actor, found.id);
        return { department: found, snapshot: await queue.snapshot(found.id, serviceDay) };
      },
      { snapshot: true },
    );
    const waiting = projectQueueOrder(
      snapshot.waiting,
      snapshot.priorityStreak,
      department.policy,
      now,
    );
    const activeRooms = department.rooms.filter((r) => r.active).length;
    const medianService = median(snapshot.recentServiceMinutes);
    return {
      department,
      serviceDay,
      lastEventId: snapshot.lastEventId,
      waiting,
      called: snapshot.called,
      inConsultation: snapshot.inConsultation,
      stats: {
        waitingCount: waiting.length,
        medianWaitMinutes: median(snapshot.waitMinutesToday),
        estimatedWaitMinutes: estimateWaitMinutes(waiting.length + 1, activeRooms, medianService),
      },
    };
  };
