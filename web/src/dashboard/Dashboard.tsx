import { useMutation, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { unwrap } from '../shared/api/client';
import type { VisitActionType } from '../shared/api/domain';
import { ApiProblem } from '../shared/api/problem';
import type { Department, Visit } from '../shared/api/types';
import { useStaffSession } from '../shared/auth/session-context';
import { StaffHeader } from '../shared/auth/StaffHeader';
import type { StaffUser } from '../shared/auth/staff-session';
import { ActionDialog, type PendingDialog } from './ActionDialogs';
import { CheckInForm } from './CheckInForm';
import { Controls } from './Controls';
import { QueueSection } from './QueueSection';
import { Shortcuts } from './Shortcuts';
import { useDepartmentQueue } from './use-queue';
import { useNow } from './use-now';
import { useSelection } from './use-selection';
import { useShortcuts } from './use-shortcuts';
import { useVisitAction, type Notice } from './use-visit-action';
import { VisitRow } from './VisitRow';
import styles from './dashboard.module.css';

/** Doctors and reception act in their own departments; admins everywhere. */
const workable = (all: readonly Department[], user: StaffUser): Department[] =>
  all.filter((d) => d.active && (user.role === 'admin' || user.departmentIds.includes(d.id)));

export const Dashboard = ({ user }: { readonly user: StaffUser }) => {
  const { t } = useTranslation('dashboard');
  const session = useStaffSession();
  const now = useNow();
  const [notice, setNotice] = useState<Notice | null>(null);
  const [dialog, setDialog] = useState<PendingDialog | null>(null);

  const departments = useQuery({
    queryKey: ['departments'],
    queryFn: () => unwrap(session.api.GET('/api/v1/departments')),
  });
  const all = departments.data?.departments ?? [];
  const mine = workable(all, user);
  const selection = useSelection(user.id, mine);
  const departmentId = selection.department?.id ?? null;
  const { query: queue, status } = useDepartmentQueue(departmentId);
  const act = useVisitAction(departmentId ?? '', setNotice);

  const roomName = (roomId: string | null): string | null =>
    roomId === null
      ? null
      : (all.flatMap((d) => d.rooms).find((r) => r.id === roomId)?.name ?? null);

  const callNext = useMutation({
    mutationFn: (roomId: string) =>
      unwrap(
        session.api.POST('/api/v1/departments/{id}/call-next', {
          params: { path: { id: departmentId ?? '' } },
          body: { roomId },
        }),
      ),
    onSuccess: ({ visit }) =>
      setNotice({
        kind: 'done',
        text: t('done.call', { ticket: visit.ticket, room: selection.room?.name ?? '' }),
      }),
    onError: (error) =>
      setNotice(
        error instanceof ApiProblem && error.code === 'QUEUE_EMPTY'
          ? { kind: 'done', text: t('queueEmpty') }
          : { kind: 'problem', text: t('failed', { detail: error.message }) },
      ),
  });

  const onCallNext = () => {
    if (selection.room === null) setNotice({ kind: 'problem', text: t('needRoom') });
    else callNext.mutate(selection.room.id);
  };

  const onAction = (action: VisitActionType, visit: Visit) => {
    setNotice(null);
    if (action === 'no_show' || action === 'cancel') setDialog({ kind: 'confirm', action, visit });
    else if (action === 'transfer') setDialog({ kind: 'transfer', visit });
    else if (action === 'call') {
      if (selection.room === null) setNotice({ kind: 'problem', text: t('needRoom') });
      else act.mutate({ action, visit, roomId: selection.room.id, roomName: selection.room.name });
    } else act.mutate({ action, visit });
  };

  // The patient this room is dealing with, for the single-key shortcuts.
  const inMyRoom = (list: readonly Visit[] | undefined) =>
    list?.find((v) => selection.room !== null && v.roomId === selection.room.id);
  const shortcut = (action: VisitActionType, list: readonly Visit[] | undefined) => () => {
    const visit = inMyRoom(list);
    if (visit !== undefined) onAction(action, visit);
  };
  useShortcuts(
    dialog !== null
      ? {}
      : {
          n: onCallNext,
          r: shortcut('recall', queue.data?.called),
          s: shortcut('start', queue.data?.called),
          c: shortcut('complete', queue.data?.inConsultation),
        },
  );

  const row = (visit: Visit) => (
    <VisitRow
      key={visit.id}
      visit={visit}
      user={user}
      now={now}
      roomName={roomName}
      busy={act.isPending}
      onAction={onAction}
    />
  );

  return (
    <>
      <StaffHeader user={user} title={t('title')} />
      <main className={styles.page}>
        <Controls
          departments={mine}
          selection={selection}
          status={status}
          calling={callNext.isPending}
          onCallNext={onCallNext}
          loading={departments.isPending}
        />
        {notice !== null && (
          <p
            key={notice.text}
            role={notice.kind === 'problem' ? 'alert' : 'status'}
            className={notice.kind === 'problem' ? styles.problem : styles.done}
          >
            {notice.text}
          </p>
        )}
        {queue.data !== undefined && (
          <div className={styles.columns}>
            <QueueSection title={t('waiting')} visits={queue.data.waiting}>
              {row}
            </QueueSection>
            <QueueSection title={t('called')} visits={queue.data.called}>
              {row}
            </QueueSection>
            <QueueSection title={t('inConsultation')} visits={queue.data.inConsultation}>
              {row}
            </QueueSection>
          </div>
        )}
        <div className={styles.aside}>
          {departmentId !== null && user.role !== 'doctor' && (
            <CheckInForm departmentId={departmentId} />
          )}
          <Shortcuts />
        </div>
      </main>
      {dialog !== null && (
        <ActionDialog
          pending={dialog}
          departments={all}
          onClose={() => setDialog(null)}
          onConfirm={(request) => {
            setDialog(null);
            act.mutate(request);
          }}
        />
      )}
    </>
  );
};
