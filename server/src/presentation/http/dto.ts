import type { z } from 'zod';
import type { Device } from '../../domain/device.js';
import type { StaffUser } from '../../domain/staff-user.js';
import type { Queue } from '../../application/get-queue.js';
import type {
  Department as DomainDepartment,
  Room as DomainRoom,
} from '../../domain/department.js';
import type { Visit as DomainVisit } from '../../domain/visit.js';
import type { Board, CurrentDevice, Department, Kiosk, Room, User } from '../../contracts/index.js';
import type { Queue as QueueDto, Visit } from '../../contracts/index.js';

const iso = (d: Date | null): string | null => (d === null ? null : d.toISOString());

/**
 * Domain → wire. `withPatient` is false for every surface that is not staff or the
 * kiosk's own check-in response: the patient's name and phone never leave otherwise.
 */
export const visitDto = (v: DomainVisit, withPatient: boolean): z.input<typeof Visit> => ({
  id: v.id,
  departmentId: v.departmentId,
  serviceDay: v.serviceDay,
  seq: v.seq,
  ticket: v.ticket,
  publicToken: v.publicToken,
  priority: v.priority,
  state: v.state,
  version: v.version,
  roomId: v.roomId,
  callCount: v.callCount,
  ...(withPatient && { patient: { displayName: v.patient.displayName, phone: v.patient.phone } }),
  checkedInAt: v.checkedInAt.toISOString(),
  queuedAt: v.queuedAt.toISOString(),
  calledAt: iso(v.calledAt),
  startedAt: iso(v.startedAt),
  endedAt: iso(v.endedAt),
  transferredFromVisitId: v.transferredFromVisitId,
  transferredToVisitId: v.transferredToVisitId,
  cancelReason: v.cancelReason,
});

export const roomDto = (r: DomainRoom): z.input<typeof Room> => ({
  id: r.id,
  name: r.name,
  active: r.active,
});

export const departmentDto = (d: DomainDepartment): z.input<typeof Department> => ({
  id: d.id,
  code: d.code,
  name: d.name,
  active: d.active,
  priorityBurst: d.policy.priorityBurst,
  maxWaitMinutes: d.policy.maxWaitMinutes,
  rooms: d.rooms.map(roomDto),
});

export const queueDto = (q: Queue): z.input<typeof QueueDto> => ({
  department: departmentDto(q.department),
  serviceDay: q.serviceDay,
  lastEventId: q.lastEventId,
  waiting: q.waiting.map((v) => visitDto(v, true)),
  called: q.called.map((v) => visitDto(v, true)),
  inConsultation: q.inConsultation.map((v) => visitDto(v, true)),
  stats: q.stats,
});

export const userDto = (u: StaffUser): z.input<typeof User> => ({
  id: u.id,
  username: u.username,
  role: u.role,
  active: u.active,
  departmentIds: [...u.departmentIds],
});

export const kioskDto = (d: Device): z.input<typeof Kiosk> => ({
  id: d.id,
  name: d.name,
  active: d.active,
  departmentIds: [...d.departmentIds],
  createdAt: d.createdAt.toISOString(),
});

const languageOf = (d: Device): 'en' | 'fr' | null =>
  d.language === 'en' || d.language === 'fr' ? d.language : null;

export const boardDto = (d: Device): z.input<typeof Board> => ({
  ...kioskDto(d),
  language: languageOf(d),
});

export const currentDeviceDto = (d: Device): z.input<typeof CurrentDevice> => ({
  id: d.id,
  kind: d.kind,
  name: d.name,
  language: languageOf(d),
  departmentIds: [...d.departmentIds],
});
