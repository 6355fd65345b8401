import type { TFunction } from 'i18next';
import type { Department } from '../../shared/api/types';
import type { AuditEvent, Board, Kiosk, User } from '../common/admin-api';

export interface Directory {
  readonly users: readonly User[];
  readonly departments: readonly Department[];
  readonly devices: readonly (Kiosk | Board)[];
}

const short = (id: string | null): string => (id === null ? '' : id.slice(0, 8));

const field = (value: unknown, key: string): string | null =>
  typeof value === 'object' && value !== null && key in value
    ? ((v) => (typeof v === 'string' ? v : null))((value as Record<string, unknown>)[key])
    : null;

/**
 * Names instead of ids wherever the console knows them: "dr.mensah", "Kiosk “Main
 * entrance”", "Visit CARD-012 · Cardiology". An id nobody can name stays visible, short.
 */
export const auditNames = (t: TFunction<'admin'>, directory: Directory) => {
  const { users, departments, devices } = directory;
  const deviceName = (id: string | null) => devices.find((d) => d.id === id)?.name;
  const departmentName = (id: string | null) => departments.find((d) => d.id === id)?.name;
  const roomName = (id: string | null) =>
    departments.flatMap((d) => d.rooms).find((r) => r.id === id)?.name;

  const actor = (e: AuditEvent): string => {
    const type = t(`actorTypes.${e.actor.type}`, { defaultValue: e.actor.type });
    const name =
      e.actor.type === 'staff'
        ? users.find((u) => u.id === e.actor.id)?.username
        : e.actor.type === 'kiosk' || e.actor.type === 'board'
          ? deviceName(e.actor.id)
          : undefined;
    if (e.actor.type === 'staff' && name !== undefined) return name;
    if (name !== undefined) return `${type} ${t('audit.quoted', { name })}`;
    return e.actor.id === null ? type : `${type} ${short(e.actor.id)}`;
  };

  const entity = (e: AuditEvent): string => {
    const kind = t(`entities.${e.entity}`, { defaultValue: e.entity });
    const id = e.entityId;
    switch (e.entity) {
      case 'user':
        return `${kind} ${users.find((u) => u.id === id)?.username ?? short(id)}`;
      case 'department':
        return `${kind} ${departmentName(id) ?? short(id)}`;
      case 'room':
        return `${kind} ${roomName(id) ?? short(id)}`;
      case 'kiosk':
      case 'board':
        return `${kind} ${t('audit.quoted', { name: deviceName(id) ?? short(id) })}`;
      case 'visit': {
        const ticket = field(e.after, 'ticket') ?? field(e.before, 'ticket');
        const where = departmentName(
          field(e.after, 'departmentId') ?? field(e.before, 'departmentId'),
        );
        return [`${kind} ${ticket ?? short(id)}`, where].filter(Boolean).join(' · ');
      }
      default:
        return `${kind} ${short(id)}`.trim();
    }
  };

  return { actor, entity };
};
