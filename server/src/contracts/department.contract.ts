import { z } from 'zod';
import { IsoDate, Uuid } from './common.js';
import { Visit } from './visit.contract.js';

export const Room = z
  .object({ id: Uuid, name: z.string(), active: z.boolean() })
  .meta({ id: 'Room' });

export const Department = z
  .object({
    id: Uuid,
    code: z.string(),
    name: z.string(),
    active: z.boolean(),
    priorityBurst: z.number().int(),
    maxWaitMinutes: z.number().int().nullable(),
    rooms: z.array(Room),
  })
  .meta({ id: 'Department' });

export const DepartmentList = z.object({ departments: z.array(Department) });

export const Queue = z
  .object({
    department: Department,
    serviceDay: IsoDate,
    lastEventId: z.number().int(),
    waiting: z.array(Visit),
    called: z.array(Visit),
    inConsultation: z.array(Visit),
    stats: z.object({
      waitingCount: z.number().int(),
      medianWaitMinutes: z.number().nullable(),
      estimatedWaitMinutes: z.number().nullable(),
    }),
  })
  .meta({ id: 'Queue' });

const Name = z.string().trim().min(1).max(120);

export const CreateDepartmentBody = z.strictObject({
  code: z.string().regex(/^[A-Z]{2,6}$/, 'must be 2–6 upper-case letters'),
  name: Name,
  priorityBurst: z.number().int().min(1).max(50).optional(),
  maxWaitMinutes: z.number().int().min(1).max(1440).nullable().optional(),
});

export const UpdateDepartmentBody = z.strictObject({
  name: Name.optional(),
  active: z.boolean().optional(),
  priorityBurst: z.number().int().min(1).max(50).optional(),
  maxWaitMinutes: z.number().int().min(1).max(1440).nullable().optional(),
});

export const CreateRoomBody = z.strictObject({ name: z.string().trim().min(1).max(80) });
export const UpdateRoomBody = z.strictObject({
  name: z.string().trim().min(1).max(80).optional(),
  active: z.boolean().optional(),
});
export const RoomParams = z.strictObject({ id: Uuid, roomId: Uuid });
