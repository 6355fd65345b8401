import { useTranslation } from 'react-i18next';
import { allowedActions, type VisitActionType } from '../shared/api/domain';
import type { Visit } from '../shared/api/types';
import type { StaffUser } from '../shared/auth/staff-session';
import { minutesSince } from './queue-model';
import styles from './dashboard.module.css';

/**
 * One visit: ticket, priority, state, waiting time, and only the actions its state and
 * the user's role allow (the server's own rule, imported).
 */
export const VisitRow = ({
  visit,
  user,
  now,
  roomName,
  busy,
  onAction,
}: {
  readonly visit: Visit;
  readonly user: StaffUser;
  readonly now: number;
  readonly roomName: (roomId: string | null) => string | null;
  readonly busy: boolean;
  readonly onAction: (action: VisitActionType, visit: Visit) => void;
}) => {
  const { t } = useTranslation('dashboard');
  const room = roomName(visit.roomId);
  return (
    <li className={`${styles.visit} ${styles[visit.priority]}`} aria-label={visit.ticket}>
      <div className={styles.visitHead}>
        <span className={styles.ticket}>{visit.ticket}</span>
        <span className={styles.badge}>{t(`priority.${visit.priority}`)}</span>
        <span className={styles.state}>{t(`state.${visit.state}`)}</span>
      </div>
      <p className={styles.visitMeta}>
        <span className={styles.patient}>{visit.patient?.displayName ?? t('anonymous')}</span>
        {visit.patient?.phone != null && <span> · {visit.patient.phone}</span>}
        <span> · {t('waitedFor', { minutes: minutesSince(visit.checkedInAt, now) })}</span>
        {room !== null && <span> · {t('calledTo', { room })}</span>}
        {visit.callCount > 1 && <span> · {t('callCount', { count: visit.callCount })}</span>}
      </p>
      <div className={styles.actions}>
        {allowedActions(user.role, visit.state).map((action) => (
          <button
            key={action}
            type="button"
            disabled={busy}
            className={
              action === 'cancel' || action === 'no_show' ? styles.actionQuiet : styles.action
            }
            onClick={() => onAction(action, visit)}
          >
            {t(`action.${action}`)}
          </button>
        ))}
      </div>
    </li>
  );
};
