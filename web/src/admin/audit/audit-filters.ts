/** The audit log's filters, as the API takes them (docs/api.md: from, to, actorId, action, visitId). */
export interface AuditFilters {
  readonly from?: string;
  readonly to?: string;
  readonly actorId?: string;
  readonly action?: string;
  readonly visitId?: string;
}

const keys = ['from', 'to', 'actorId', 'action', 'visitId'] as const;

/** Filters live in the address (`/admin/audit?action=…`): shareable, and Back undoes one. */
export const filtersFromSearch = (params: URLSearchParams): AuditFilters => {
  const filters: Record<string, string> = {};
  for (const key of keys) {
    const value = params.get(key);
    if (value !== null && value !== '') filters[key] = value;
  }
  return filters;
};

export const searchFromFilters = (filters: AuditFilters): URLSearchParams => {
  const params = new URLSearchParams();
  for (const key of keys) {
    const value = filters[key];
    if (value !== undefined && value !== '') params.set(key, value);
  }
  return params;
};

const pad = (n: number) => String(n).padStart(2, '0');

/** ISO instant → the `datetime-local` input's value, in this browser's time zone. */
export const toLocalInput = (iso: string | undefined): string => {
  if (iso === undefined) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
};

/** The `datetime-local` value (local time, no zone) → an ISO instant the server accepts. */
export const fromLocalInput = (value: string): string | undefined => {
  if (value === '') return undefined;
  const d = new Date(value);
  return Number.isNaN(d.getTime()) ? undefined : d.toISOString();
};

export const isUuid = (value: string): boolean =>
  /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value);

/** Every action the server records today, grouped as the Action filter offers them. */
export const knownActions = {
  visit: [
    'visit.checked_in',
    'visit.called',
    'visit.called_next',
    'visit.recalled',
    'visit.started',
    'visit.completed',
    'visit.no_show',
    'visit.returned',
    'visit.requeued',
    'visit.cancelled',
    'visit.transferred',
    'visit.read',
  ],
  auth: [
    'auth.login_succeeded',
    'auth.login_failed',
    'auth.login_locked',
    'auth.logout',
    'auth.refresh_reused',
    'session.revoked',
  ],
  admin: [
    'user.created',
    'user.updated',
    'user.password_reset',
    'user.password_changed',
    'department.created',
    'department.updated',
    'room.created',
    'room.updated',
    'kiosk.created',
    'kiosk.updated',
    'board.created',
    'board.updated',
  ],
} as const;
