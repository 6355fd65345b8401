import { useQueryClient } from '@tanstack/react-query';
import { lazy, Suspense, useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { isUnauthorized } from '../shared/api/problem';
import type { Visit } from '../shared/api/types';
import { CheckInForm } from './CheckInForm';
import { DepartmentChoice } from './DepartmentChoice';
import { KioskFrame } from './KioskFrame';
import { kioskKeys, useKioskApi, useKioskDepartments } from './kiosk-api';
import { paperTicketsEnabled } from './print-setting';
import { useCheckIn } from './use-check-in';
import { useIdleReset } from './use-idle-reset';
import styles from './kiosk.module.css';

/**
 * The ticket screen carries the QR code encoder: loaded once a patient starts a check-in
 * (see the prefetch below), not with the start screen, so the kiosk's first load stays small.
 */
const loadTicketResult = () => import('./TicketResult');
const TicketResult = lazy(() => loadTicketResult().then((m) => ({ default: m.TicketResult })));

type Step =
  | { readonly kind: 'start' }
  | { readonly kind: 'form'; readonly departmentId: string }
  | { readonly kind: 'ticket'; readonly visit: Visit };

const START: Step = { kind: 'start' };

/**
 * A paired kiosk, one patient at a time: department → form → ticket → back to the start
 * (Done, or 30 s without a touch). A 401 anywhere means an admin revoked this kiosk.
 */
export const KioskFlow = ({
  token,
  onRevoked,
}: {
  readonly token: string;
  readonly onRevoked: () => void;
}) => {
  const { t } = useTranslation('kiosk');
  const queryClient = useQueryClient();
  const api = useKioskApi(token);
  const departments = useKioskDepartments(api, token);
  const [step, setStep] = useState<Step>(START);
  // A new number for each patient: the form is mounted afresh, with nothing left in it.
  const [patient, setPatient] = useState(0);
  const [paperTickets] = useState(() => paperTicketsEnabled());
  const checkIn = useCheckIn(api, (visit) => setStep({ kind: 'ticket', visit }));
  const { mutation, reset: forgetCheckIn } = checkIn;

  const startOver = useCallback(() => {
    forgetCheckIn();
    setStep(START);
    setPatient((n) => n + 1);
  }, [forgetCheckIn]);

  const done = () => {
    startOver();
    // The next patient sees departments as they are now.
    void queryClient.invalidateQueries({ queryKey: kioskKeys.departments(token) });
  };

  // Never while a ticket is on its way: the patient is waiting for it.
  useIdleReset(!mutation.isPending, startOver, step);

  const revoked = isUnauthorized(departments.error) || isUnauthorized(mutation.error);
  useEffect(() => {
    if (!revoked) return;
    queryClient.removeQueries({ queryKey: kioskKeys.all });
    onRevoked();
  }, [revoked, queryClient, onRevoked]);

  const list = departments.data;
  const checkingIn = step.kind !== 'start' || list?.length === 1;
  useEffect(() => {
    if (checkingIn) void loadTicketResult();
  }, [checkingIn]);
  if (revoked) return null; // setup is one effect away; no "cannot reach" flash
  if (list === undefined) {
    return (
      <KioskFrame>
        <h1 className={styles.title}>{t('start.title')}</h1>
        {departments.failureCount > 0 || departments.isError ? (
          <div role="alert" className={styles.alert}>
            <p className={styles.alertTitle}>{t('problem.unreachable')}</p>
          </div>
        ) : (
          <p aria-busy="true">{t('common:loading')}</p>
        )}
      </KioskFrame>
    );
  }

  if (step.kind === 'ticket') {
    return (
      <KioskFrame>
        <Suspense fallback={<p aria-busy="true">{t('common:loading')}</p>}>
          <TicketResult
            api={api}
            visit={step.visit}
            departmentName={list.find((d) => d.id === step.visit.departmentId)?.name ?? ''}
            paperTickets={paperTickets}
            onDone={done}
          />
        </Suspense>
      </KioskFrame>
    );
  }

  // With one department the start screen is its form (docs/screens.md allows skipping the choice).
  const only = list.length === 1 ? list[0] : undefined;
  const chosen = step.kind === 'form' ? list.find((d) => d.id === step.departmentId) : only;
  return (
    <KioskFrame>
      {chosen === undefined ? (
        <DepartmentChoice
          departments={list}
          onChoose={(departmentId) => setStep({ kind: 'form', departmentId })}
        />
      ) : (
        <CheckInForm
          key={patient}
          department={chosen}
          busy={mutation.isPending}
          retryingAfter={
            mutation.isPending && mutation.failureCount > 0 ? mutation.failureReason : null
          }
          error={mutation.error}
          onSubmit={checkIn.submit}
          onBack={only === undefined ? startOver : null}
        />
      )}
    </KioskFrame>
  );
};
