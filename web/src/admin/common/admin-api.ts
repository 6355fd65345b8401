import { useQuery } from '@tanstack/react-query';
import { unwrap, type Api } from '../../shared/api/client';
import type { Department } from '../../shared/api/types';
import { useStaffSession } from '../../shared/auth/session-context';
import type { components } from '../../shared/api/schema';

export type User = components['schemas']['User'];
export type Kiosk = components['schemas']['Kiosk'];
export type Board = components['schemas']['Board'];
export type AuditEvent = components['schemas']['AuditEvent'];
export type Role = User['role'];

/** Every admin query lives under 'admin', so signing out can never leave one behind. */
export const adminKeys = {
  all: ['admin'] as const,
  departments: ['admin', 'departments'] as const,
  allDepartments: ['admin', 'departments', 'all'] as const,
  users: ['admin', 'users'] as const,
  allUsers: ['admin', 'users', 'all'] as const,
  sessions: (userId: string) => ['admin', 'users', userId, 'sessions'] as const,
  devices: (kind: 'kiosk' | 'board') => ['admin', `${kind}s`] as const,
  audit: (filters: object) => ['admin', 'audit', filters] as const,
  report: (query: object) => ['admin', 'report', query] as const,
};

/** The staff session's typed client: bearer token, one refresh on a 401. */
export const useAdminApi = (): Api => useStaffSession().api;

/**
 * Whole lists for pickers and for naming ids (departments in a kiosk's row, the actor of
 * an audit event). A clinic has tens of these, so a few pages of 200 are read at most.
 */
const readAll = async <T>(
  fetchPage: (cursor: string | undefined) => Promise<{ items: T[]; nextCursor: string | null }>,
): Promise<T[]> => {
  const all: T[] = [];
  let cursor: string | undefined;
  for (let page = 0; page < 20; page += 1) {
    const { items, nextCursor } = await fetchPage(cursor);
    all.push(...items);
    if (nextCursor === null) break;
    cursor = nextCursor;
  }
  return all;
};

export const useAllDepartments = () => {
  const api = useAdminApi();
  return useQuery({
    queryKey: adminKeys.allDepartments,
    queryFn: () =>
      readAll<Department>(async (cursor) => {
        const d = await unwrap(
          api.GET('/api/v1/admin/departments', { params: { query: { cursor, limit: 200 } } }),
        );
        return { items: d.departments, nextCursor: d.nextCursor };
      }),
  });
};

export const useAllUsers = () => {
  const api = useAdminApi();
  return useQuery({
    queryKey: adminKeys.allUsers,
    queryFn: () =>
      readAll<User>(async (cursor) => {
        const d = await unwrap(
          api.GET('/api/v1/admin/users', { params: { query: { cursor, limit: 200 } } }),
        );
        return { items: d.users, nextCursor: d.nextCursor };
      }),
  });
};

/** Every kiosk or board, to name a device that appears in the audit log. */
export const useAllDevices = (kind: 'kiosk' | 'board') => {
  const api = useAdminApi();
  return useQuery({
    // Under the list's key, so creating or revoking a device refreshes this too.
    queryKey: [...adminKeys.devices(kind), 'all'],
    queryFn: () =>
      readAll<Kiosk | Board>(async (cursor) => {
        const query = { params: { query: { cursor, limit: 200 } } };
        if (kind === 'kiosk') {
          const d = await unwrap(api.GET('/api/v1/admin/kiosks', query));
          return { items: d.kiosks, nextCursor: d.nextCursor };
        }
        const d = await unwrap(api.GET('/api/v1/admin/boards', query));
        return { items: d.boards, nextCursor: d.nextCursor };
      }),
  });
};

/** Department ids → "Cardiology, Radiology" (an unknown id stays visible, not hidden). */
export const departmentNames = (
  ids: readonly string[],
  departments: readonly Department[] | undefined,
): string =>
  ids.map((id) => departments?.find((d) => d.id === id)?.name ?? id.slice(0, 8)).join(', ');
