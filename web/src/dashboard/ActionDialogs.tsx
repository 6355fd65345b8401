import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Department, Priority, Visit } from '../shared/api/types';
import { ConfirmDialog } from '../shared/ui/ConfirmDialog';
import ui from '../shared/ui/screens.module.css';
import type { ActionRequest } from './use-visit-action';

export type PendingDialog =
  | { readonly kind: 'confirm'; readonly action: 'no_show' | 'cancel'; readonly visit: Visit }
  | { readonly kind: 'transfer'; readonly visit: Visit };

/** The questions asked before a destructive action (no-show, cancel) or a transfer. */
export const ActionDialog = ({
  pending,
  departments,
  onConfirm,
  onClose,
}: {
  readonly pending: PendingDialog;
  readonly departments: readonly Department[];
  readonly onConfirm: (request: ActionRequest) => void;
  readonly onClose: () => void;
}) =>
  pending.kind === 'confirm' ? (
    <ConfirmAction pending={pending} onConfirm={onConfirm} onClose={onClose} />
  ) : (
    <TransferAction
      visit={pending.visit}
      departments={departments}
      onConfirm={onConfirm}
      onClose={onClose}
    />
  );

const ConfirmAction = ({
  pending,
  onConfirm,
  onClose,
}: {
  readonly pending: Extract<PendingDialog, { kind: 'confirm' }>;
  readonly onConfirm: (request: ActionRequest) => void;
  readonly onClose: () => void;
}) => {
  const { t } = useTranslation('dashboard');
  const [reason, setReason] = useState('');
  const { action, visit } = pending;
  return (
    <ConfirmDialog
      danger
      title={t(`confirm.${action}`, { ticket: visit.ticket })}
      body={t(action === 'cancel' ? 'confirm.cancelBody' : 'confirm.no_showBody')}
      confirmLabel={t(`action.${action}`)}
      dismissLabel={t('confirm.keep')}
      onClose={onClose}
      onConfirm={() =>
        onConfirm(
          action === 'cancel'
            ? { action, visit, ...(reason.trim() !== '' && { reason: reason.trim() }) }
            : { action, visit },
        )
      }
    >
      {action === 'cancel' && (
        <label className={ui.label}>
          {t('confirm.reason')}
          <input
            className={ui.input}
            maxLength={200}
            value={reason}
            onChange={(e) => setReason(e.target.value)}
          />
        </label>
      )}
    </ConfirmDialog>
  );
};

const TransferAction = ({
  visit,
  departments,
  onConfirm,
  onClose,
}: {
  readonly visit: Visit;
  readonly departments: readonly Department[];
  readonly onConfirm: (request: ActionRequest) => void;
  readonly onClose: () => void;
}) => {
  const { t } = useTranslation('dashboard');
  const targets = departments.filter((d) => d.active && d.id !== visit.departmentId);
  const [target, setTarget] = useState(targets[0]?.id ?? '');
  const [priority, setPriority] = useState<Priority | ''>('');
  return (
    <ConfirmDialog
      title={t('transferTitle', { ticket: visit.ticket })}
      confirmLabel={t('action.transfer')}
      dismissLabel={t('confirm.keep')}
      onClose={onClose}
      onConfirm={() => {
        if (target === '') return;
        onConfirm({
          action: 'transfer',
          visit,
          toDepartmentId: target,
          ...(priority !== '' && { priority }),
        });
      }}
    >
      {targets.length === 0 ? (
        <p>{t('noTargets')}</p>
      ) : (
        <>
          <label className={ui.label}>
            {t('transferTo')}
            <select className={ui.input} value={target} onChange={(e) => setTarget(e.target.value)}>
              {targets.map((d) => (
                <option key={d.id} value={d.id}>
                  {d.name}
                </option>
              ))}
            </select>
          </label>
          <label className={ui.label}>
            {t('transferPriority')}
            <select
              className={ui.input}
              value={priority}
              onChange={(e) => setPriority(e.target.value as Priority | '')}
            >
              <option value="">{t('samePriority')}</option>
              <option value="normal">{t('priority.normal')}</option>
              <option value="priority">{t('priority.priority')}</option>
              <option value="emergency">{t('priority.emergency')}</option>
            </select>
          </label>
        </>
      )}
    </ConfirmDialog>
  );
};
