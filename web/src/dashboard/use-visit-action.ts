import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { unwrap } from '../shared/api/client';
import type { VisitActionType } from '../shared/api/domain';
import { ApiProblem, NetworkError } from '../shared/api/problem';
import type { Priority, Visit } from '../shared/api/types';
import { useStaffSession } from '../shared/auth/session-context';
import { queueKey } from './use-queue';

export interface Notice {
  readonly kind: 'done' | 'problem';
  readonly text: string;
}

export type ActionRequest =
  | {
      readonly action: 'call';
      readonly visit: Visit;
      readonly roomId: string;
      readonly roomName: string;
    }
  | { readonly action: 'cancel'; readonly visit: Visit; readonly reason?: string }
  | {
      readonly action: 'transfer';
      readonly visit: Visit;
      readonly toDepartmentId: string;
      readonly priority?: Priority;
    }
  | {
      readonly action: Exclude<VisitActionType, 'call' | 'cancel' | 'transfer'>;
      readonly visit: Visit;
    };

const paths = {
  call: '/api/v1/visits/{id}/call',
  recall: '/api/v1/visits/{id}/recall',
  start: '/api/v1/visits/{id}/start',
  complete: '/api/v1/visits/{id}/complete',
  no_show: '/api/v1/visits/{id}/no-show',
  return_to_queue: '/api/v1/visits/{id}/return-to-queue',
  requeue: '/api/v1/visits/{id}/requeue',
  cancel: '/api/v1/visits/{id}/cancel',
  transfer: '/api/v1/visits/{id}/transfer',
} as const satisfies Record<VisitActionType, string>;

/**
 * One action on one visit, carrying the version the screen showed. A 409 means someone
 * else changed the visit first: the notice says so (docs/screens.md: "changed by someone else") and
 * the queue is fetched again — never a silent failure.
 */
export const useVisitAction = (departmentId: string, onNotice: (notice: Notice) => void) => {
  const { t } = useTranslation('dashboard');
  const session = useStaffSession();
  const queryClient = useQueryClient();

  return useMutation({
    mutationFn: async (request: ActionRequest) => {
      const params = { params: { path: { id: request.visit.id } } };
      const version = request.visit.version;
      switch (request.action) {
        case 'call':
          return unwrap(
            session.api.POST(paths.call, { ...params, body: { version, roomId: request.roomId } }),
          );
        case 'cancel':
          return unwrap(
            session.api.POST(paths.cancel, {
              ...params,
              body: { version, ...(request.reason !== undefined && { reason: request.reason }) },
            }),
          );
        case 'transfer':
          return unwrap(
            session.api.POST(paths.transfer, {
              ...params,
              body: {
                version,
                toDepartmentId: request.toDepartmentId,
                ...(request.priority !== undefined && { priority: request.priority }),
              },
            }),
          );
        default:
          return unwrap(session.api.POST(paths[request.action], { ...params, body: { version } }));
      }
    },
    onSuccess: (answer, request) => {
      const ticket = request.visit.ticket;
      const newTicket = 'newVisit' in answer ? (answer as { newVisit: Visit }).newVisit.ticket : '';
      const room = request.action === 'call' ? request.roomName : '';
      onNotice({ kind: 'done', text: t(`done.${request.action}`, { ticket, room, newTicket }) });
    },
    onError: (error, request) => {
      const ticket = request.visit.ticket;
      const text =
        error instanceof ApiProblem && error.status === 409
          ? t('conflict', { ticket })
          : error instanceof ApiProblem && error.code === 'INVALID_TRANSITION'
            ? t('invalid', { ticket })
            : error instanceof NetworkError
              ? t('offlineAction')
              : t('failed', { detail: error.message });
      onNotice({ kind: 'problem', text });
    },
    onSettled: () => queryClient.invalidateQueries({ queryKey: queueKey(departmentId) }),
  });
};
