import { useId, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { Visit } from '../shared/api/types';
import styles from './dashboard.module.css';

/** One column of the queue (waiting in call order, called, in consultation). */
export const QueueSection = ({
  title,
  visits,
  children,
  extra,
}: {
  readonly title: string;
  readonly visits: readonly Visit[];
  readonly children: (visit: Visit) => ReactNode;
  readonly extra?: ReactNode;
}) => {
  const { t } = useTranslation('dashboard');
  const headingId = useId();
  return (
    <section aria-labelledby={headingId} className={styles.column}>
      <h2 id={headingId} className={styles.columnTitle}>
        {title} <span className={styles.count}>({visits.length})</span>
      </h2>
      {extra}
      {visits.length === 0 ? (
        <p className={styles.empty}>{t('emptyList')}</p>
      ) : (
        <ol className={styles.list}>{visits.map(children)}</ol>
      )}
    </section>
  );
};
