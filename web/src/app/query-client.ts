import { QueryClient } from '@tanstack/react-query';
import { ApiProblem } from '../shared/api/problem';

/** A 4xx will not change by asking again; a 5xx or a network failure might. */
const worthRetrying = (failures: number, error: unknown): boolean =>
  failures < 3 && !(error instanceof ApiProblem && error.status < 500);

export const makeQueryClient = (): QueryClient =>
  new QueryClient({
    defaultOptions: {
      queries: { retry: worthRetrying, refetchOnWindowFocus: false, staleTime: 10_000 },
      mutations: { retry: false },
    },
  });
