import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { LiveStatus } from '../shared/live/live-stream';
import { ConnectionStatus } from '../shared/ui/ConnectionStatus';
import { LanguageSwitch } from '../shared/ui/LanguageSwitch';
import type { Announcements } from './announcements/use-announcements';
import { BOARD_LANGUAGE_KEY } from './board-language';
import styles from './board.module.css';

/**
 * The dark TV frame every state of a paired board shares: its name, whether it is live,
 * the language, and — only when the browser refuses sound — a button to turn it on (a TV
 * remote can press it).
 */
export const BoardFrame = ({
  title,
  status,
  announcements,
  children,
}: {
  readonly title: string;
  readonly status: LiveStatus;
  readonly announcements?: Announcements;
  readonly children: ReactNode;
}) => {
  const { t } = useTranslation('board');
  const blocked = announcements?.blocked === true;
  return (
    <div className={styles.board}>
      <header className={styles.header}>
        <h1 className={styles.title}>{title}</h1>
        <div className={styles.controls}>
          <ConnectionStatus
            status={status}
            className={status === 'offline' ? styles.offline : styles.online}
          />
          {blocked && (
            <button
              type="button"
              className={styles.soundButton}
              onClick={() => void announcements.turnOn()}
            >
              {t('turnOnAnnouncements')}
            </button>
          )}
          <LanguageSwitch storageKey={BOARD_LANGUAGE_KEY} className={styles.language} />
        </div>
      </header>
      <main className={styles.main}>{children}</main>
    </div>
  );
};
