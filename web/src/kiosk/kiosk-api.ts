import { useQuery } from '@tanstack/react-query';
import { useMemo } from 'react';
import { makeApi, unwrap, type Api } from '../shared/api/client';
import type { Department } from '../shared/api/types';
import { isRetryable, retryDelayMs } from './retry-policy';

/** The kiosk's API client, sending its paired device token. */
export const useKioskApi = (token: string): Api =>
  useMemo(() => makeApi({ token: () => token }), [token]);

export const kioskKeys = {
  all: ['kiosk'] as const,
  departments: (token: string) => ['kiosk', 'departments', token] as const,
  ticket: (publicToken: string) => ['kiosk', 'ticket', publicToken] as const,
};

/** A kiosk runs for days: it picks up departments an admin opened or closed meanwhile,
 *  and a revoked token (401) within this interval. */
const DEPARTMENTS_REFRESH_MS = 60_000;

const byName = (a: Department, b: Department) =>
  a.name.localeCompare(b.name, undefined, { sensitivity: 'base', numeric: true });

/**
 * The departments in this kiosk's scope (the server sends active ones only), by name so a
 * patient finds theirs. Keeps asking while the server cannot be reached: an unattended
 * screen has nobody to press Reload.
 */
export const useKioskDepartments = (api: Api, token: string) =>
  useQuery({
    queryKey: kioskKeys.departments(token),
    queryFn: async () => {
      const { departments } = await unwrap(api.GET('/api/v1/departments'));
      return [...departments].sort(byName);
    },
    retry: (_failures, error) => isRetryable(error),
    retryDelay: (failures, error) => retryDelayMs(failures, error),
    refetchInterval: DEPARTMENTS_REFRESH_MS,
    networkMode: 'always',
  });

/** Position and estimated wait of a ticket just made (public, no credential needed). */
export const useTicketView = (api: Api, publicToken: string) =>
  useQuery({
    queryKey: kioskKeys.ticket(publicToken),
    queryFn: () =>
      unwrap(api.GET('/api/v1/tickets/{publicToken}', { params: { path: { publicToken } } })),
    retry: (failures, error) => failures < 3 && isRetryable(error),
    retryDelay: (failures, error) => retryDelayMs(failures, error),
    networkMode: 'always',
  });
