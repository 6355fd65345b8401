import { useTranslation } from 'react-i18next';
import { ApiProblem, NetworkError } from '../shared/api/problem';
import { isRetryable } from './retry-policy';
import styles from './kiosk.module.css';

/**
 * What went wrong with a check-in, in plain words, in an element with `role="alert"`
 * (docs/screens.md). While the kiosk is still asking again it says so and that only one ticket
 * will come; once it stops, what the patient can do.
 */
export const CheckInProblem = ({
  retryingAfter,
  error,
}: {
  /** The last failure while retries go on, else null. */
  readonly retryingAfter: unknown;
  /** The final failure, else null. */
  readonly error: unknown;
}) => {
  const { t } = useTranslation('kiosk');

  if (retryingAfter !== null) {
    return (
      <div role="alert" className={styles.alert}>
        <p className={styles.alertTitle}>
          {retryingAfter instanceof NetworkError ? t('problem.unreachable') : t('problem.busy')}
        </p>
        <p>{t('problem.stillWaiting')}</p>
      </div>
    );
  }
  if (error === null) return null;
  if (isRetryable(error) || !(error instanceof ApiProblem)) {
    return (
      <div role="alert" className={styles.alert}>
        <p className={styles.alertTitle}>{t('problem.gaveUp')}</p>
      </div>
    );
  }
  // 403 and 404: the department left this kiosk's scope or closed since the list loaded.
  const closed = error.status === 403 || error.status === 404;
  return (
    <div role="alert" className={`${styles.alert} ${styles.alertDanger}`}>
      <p className={styles.alertTitle}>
        {closed ? t('problem.departmentClosed') : t('problem.other')}
      </p>
      <p className={styles.reference}>{t('problem.reference', { code: error.code })}</p>
    </div>
  );
};
