import { useTranslation } from 'react-i18next';
import type { LiveStatus } from '../live/live-stream';
import styles from './connection-status.module.css';

/**
 * While a stream is down: `role="status"` with **Reconnecting** (docs/screens.md); the screen keeps
 * its last known state. Online, a quiet "Live" marker (text, not only a colour).
 */
export const ConnectionStatus = ({
  status,
  className,
}: {
  readonly status: LiveStatus;
  readonly className?: string;
}) => {
  const { t } = useTranslation();
  const offline = status === 'offline';
  return (
    <div
      role="status"
      className={[styles.status, offline ? styles.offline : styles.online, className]
        .filter(Boolean)
        .join(' ')}
    >
      {offline ? (
        <>
          <strong>{t('offline')}</strong> <span>{t('offlineDetail')}</span>
        </>
      ) : status === 'online' ? (
        t('online')
      ) : null}
    </div>
  );
};
