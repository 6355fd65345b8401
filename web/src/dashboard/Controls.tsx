import { useTranslation } from 'react-i18next';
import type { Department } from '../shared/api/types';
import type { LiveStatus } from '../shared/live/live-stream';
import { ConnectionStatus } from '../shared/ui/ConnectionStatus';
import ui from '../shared/ui/screens.module.css';
import type { useSelection } from './use-selection';
import styles from './dashboard.module.css';

/** **Department**, **Room**, **Call next**, and whether the queue is live. */
export const Controls = ({
  departments,
  selection,
  status,
  calling,
  loading,
  onCallNext,
}: {
  readonly departments: readonly Department[];
  readonly selection: ReturnType<typeof useSelection>;
  readonly status: LiveStatus;
  readonly calling: boolean;
  readonly loading: boolean;
  readonly onCallNext: () => void;
}) => {
  const { t } = useTranslation('dashboard');
  if (!loading && departments.length === 0) {
    return <p className={ui.warning}>{t('noDepartments')}</p>;
  }
  return (
    <div className={styles.controls}>
      <label className={styles.control}>
        {t('department')}
        <select
          className={ui.input}
          value={selection.department?.id ?? ''}
          onChange={(e) => selection.chooseDepartment(e.target.value)}
        >
          {departments.map((d) => (
            <option key={d.id} value={d.id}>
              {d.name}
            </option>
          ))}
        </select>
      </label>
      <label className={styles.control}>
        {t('room')}
        <select
          className={ui.input}
          value={selection.room?.id ?? ''}
          onChange={(e) => selection.chooseRoom(e.target.value)}
        >
          <option value="" disabled>
            {t('chooseRoom')}
          </option>
          {selection.rooms.map((r) => (
            <option key={r.id} value={r.id}>
              {r.name}
            </option>
          ))}
        </select>
      </label>
      <button
        type="button"
        className={`${ui.primary} ${styles.callNext}`}
        aria-keyshortcuts="N"
        disabled={calling || selection.department === null}
        onClick={onCallNext}
      >
        {t('callNext')}
      </button>
      <ConnectionStatus status={status} className={styles.live} />
      {selection.department !== null && selection.rooms.length === 0 && (
        <p className={ui.warning}>{t('noRooms')}</p>
      )}
    </div>
  );
};
