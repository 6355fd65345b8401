import { useTranslation } from 'react-i18next';
import type { Api } from '../shared/api/client';
import { useTicketView } from './kiosk-api';
import styles from './ticket-result.module.css';

/**
 * Position (1 = next) and estimated wait of the new ticket, from its public view. The
 * ticket itself is already on screen, so a slow or failed lookup only says where to look.
 */
export const QueuePlace = ({
  api,
  publicToken,
  className,
}: {
  readonly api: Api;
  readonly publicToken: string;
  readonly className?: string;
}) => {
  const { t } = useTranslation('kiosk');
  const view = useTicketView(api, publicToken);

  if (view.data === undefined || view.data.position === null) {
    return (
      <p className={`${styles.note} ${className ?? ''}`} aria-busy={view.isPending}>
        {view.isPending ? t('ticket.loading') : t('ticket.unknown')}
      </p>
    );
  }
  const { position, estimatedWaitMinutes } = view.data;
  return (
    <dl className={`${styles.facts} ${className ?? ''}`}>
      <div className={styles.fact}>
        <dt>{t('ticket.position')}</dt>
        <dd className={styles.factValue}>{position}</dd>
        <dd>{position === 1 ? t('ticket.next') : t('ticket.ahead', { count: position - 1 })}</dd>
      </div>
      <div className={styles.fact}>
        <dt>{t('ticket.estimatedWait')}</dt>
        <dd className={styles.factValue}>
          {estimatedWaitMinutes === null
            ? t('common:waitUnknown')
            : t('ticket.about', {
                minutes: t('common:minutes', { count: Math.round(estimatedWaitMinutes) }),
              })}
        </dd>
      </div>
    </dl>
  );
};
