import { useQuery } from '@tanstack/react-query';
import { useMemo } from 'react';
import { makeApi, unwrap, type Api } from '../shared/api/client';
import { BoardState } from '../shared/api/contracts';
import { ApiProblem, isUnauthorized } from '../shared/api/problem';
import type { BoardStateData } from '../shared/api/types';
import type { LiveStatus } from '../shared/live/live-stream';
import { useLiveStream } from '../shared/live/use-live-stream';

/** The API as this board: its device token on every request. */
export const useBoardApi = (token: string): Api =>
  useMemo(() => makeApi({ token: () => token }), [token]);

/**
 * The paired board's own record (its id, name and configured language). A TV has nobody
 * to press Retry, so a server that is down is asked again, every 10 s at most, until it
 * answers; a 4xx will not change by asking again.
 */
export const useCurrentDevice = (api: Api, token: string) =>
  useQuery({
    queryKey: ['board', 'device', token],
    queryFn: async () => (await unwrap(api.GET('/api/v1/device'))).device,
    retry: (_failures, error) => !(error instanceof ApiProblem && error.status < 500),
    retryDelay: (failures) => Math.min(10_000, 1_000 * 2 ** failures),
    staleTime: Infinity,
  });

/**
 * The board's stream (docs/api.md): a fresh stream ticket per connection, and no resume — board
 * event ids are opaque, and every connection starts with a full snapshot. Every payload is
 * parsed with the server's own contract; a 401 on the ticket request means the board was
 * revoked.
 */
export const useBoardStream = ({
  api,
  boardId,
  onState,
  onRevoked,
}: {
  readonly api: Api;
  readonly boardId: string;
  readonly onState: (state: BoardStateData) => void;
  readonly onRevoked: () => void;
}): LiveStatus => {
  const receive = (data: unknown) => onState(BoardState.parse(data));
  return useLiveStream({
    url: `/api/v1/boards/${encodeURIComponent(boardId)}/events`,
    on: { snapshot: receive, 'board.updated': receive },
    ticket: async () => (await unwrap(api.POST('/api/v1/stream-tickets', { body: {} }))).ticket,
    resume: false,
    isUnauthorized,
    onUnauthorized: onRevoked,
  });
};
