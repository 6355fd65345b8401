import { useMutation } from '@tanstack/react-query';
import { useId, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { unwrap } from '../shared/api/client';
import { newIdempotencyKey } from '../shared/api/idempotency-key';
import { ApiProblem, NetworkError } from '../shared/api/problem';
import type { Priority } from '../shared/api/types';
import { useStaffSession } from '../shared/auth/session-context';
import ui from '../shared/ui/screens.module.css';
import styles from './dashboard.module.css';

interface CheckInRequest {
  readonly key: string;
  readonly name: string;
  readonly phone: string;
  readonly priority: Priority;
}

/**
 * Reception's **Check in patient** (docs/screens.md): a walk-in, possibly an emergency, into the
 * department chosen above. A retry after a network failure sends the same
 * Idempotency-Key, so one click never makes two tickets.
 */
export const CheckInForm = ({ departmentId }: { readonly departmentId: string }) => {
  const { t } = useTranslation('dashboard');
  const session = useStaffSession();
  const headingId = useId();
  const [name, setName] = useState('');
  const [phone, setPhone] = useState('');
  const [priority, setPriority] = useState<Priority>('normal');

  const checkIn = useMutation({
    mutationFn: (request: CheckInRequest) =>
      unwrap(
        session.api.POST('/api/v1/checkins', {
          params: { header: { 'idempotency-key': request.key } },
          body: {
            departmentId,
            priority: request.priority,
            ...((request.name !== '' || request.phone !== '') && {
              patient: {
                ...(request.name !== '' && { displayName: request.name }),
                ...(request.phone !== '' && { phone: request.phone }),
              },
            }),
          },
        }),
      ),
    retry: (failures, error) => error instanceof NetworkError && failures < 6,
    retryDelay: (failures) => Math.min(10_000, 500 * 2 ** failures),
    onSuccess: () => {
      setName('');
      setPhone('');
      setPriority('normal');
    },
  });

  const submit = (event: FormEvent) => {
    event.preventDefault();
    checkIn.mutate({ key: newIdempotencyKey(), name: name.trim(), phone: phone.trim(), priority });
  };

  const error = checkIn.error;
  const detail =
    error instanceof ApiProblem
      ? (error.problem.errors?.map((e) => e.message).join('; ') ?? error.message)
      : (error?.message ?? '');

  return (
    <section aria-labelledby={headingId} className={styles.checkIn}>
      <h2 id={headingId}>{t('checkIn.title')}</h2>
      <form className={ui.form} onSubmit={submit}>
        <label className={ui.label}>
          {t('checkIn.name')}
          <input
            className={ui.input}
            maxLength={80}
            autoComplete="off"
            value={name}
            onChange={(e) => setName(e.target.value)}
          />
        </label>
        <label className={ui.label}>
          {t('checkIn.phone')}
          <input
            className={ui.input}
            type="tel"
            autoComplete="off"
            value={phone}
            onChange={(e) => setPhone(e.target.value)}
          />
        </label>
        <label className={ui.label}>
          {t('checkIn.priority')}
          <select
            className={ui.input}
            value={priority}
            onChange={(e) => setPriority(e.target.value as Priority)}
          >
            <option value="normal">{t('priority.normal')}</option>
            <option value="priority">{t('priority.priority')}</option>
            <option value="emergency">{t('priority.emergency')}</option>
          </select>
        </label>
        <button type="submit" className={ui.primary} disabled={checkIn.isPending}>
          {t('checkIn.submit')}
        </button>
        {checkIn.isPending && checkIn.failureCount > 0 && (
          <p role="alert" className={ui.warning}>
            {t('checkIn.retrying')}
          </p>
        )}
        {checkIn.isSuccess && (
          <p role="status">
            {t('checkIn.done', {
              name: checkIn.data.visit.patient?.displayName ?? t('anonymous'),
              ticket: checkIn.data.visit.ticket,
            })}
          </p>
        )}
        {checkIn.isError && (
          <p role="alert" className={ui.warning}>
            {t('checkIn.failed', { detail })}
          </p>
        )}
      </form>
    </section>
  );
};
