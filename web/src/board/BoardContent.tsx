import { useId } from 'react';
import { useTranslation } from 'react-i18next';
import type { BoardDepartment, BoardStateData } from '../shared/api/types';
import { boardView, type ShownCall } from './board-view-model';
import styles from './board.module.css';

/**
 * What the waiting room reads from across the room: who is called to which room (the
 * newest largest), the calls before, and how long each queue is. Tickets, rooms and
 * counts only: the stream carries no patient data, and nothing here could show any.
 */
export const BoardContent = ({ state }: { readonly state: BoardStateData }) => {
  const view = boardView(state);
  return (
    <div className={styles.content}>
      <NowServing calls={view.nowServing} />
      <RecentCalls calls={view.recent} />
      <Queues departments={view.departments} />
    </div>
  );
};

const NowServing = ({ calls }: { readonly calls: readonly ShownCall[] }) => {
  const { t } = useTranslation('board');
  const headingId = useId();
  const [newest, ...others] = calls;
  return (
    <section aria-labelledby={headingId} className={styles.nowServing}>
      <h2 id={headingId} className={styles.sectionTitle}>
        {t('nowServing')}
      </h2>
      {newest === undefined ? (
        <p className={styles.empty}>{t('nobodyCalled')}</p>
      ) : (
        <ol className={styles.calls}>
          {/* Keyed by call: a new newest call (or a recall) mounts afresh and flashes. */}
          <li key={newest.key} className={styles.newest}>
            <span className={styles.newestDepartment}>{newest.departmentName}</span>
            <Call call={newest} />
          </li>
          {others.map((call) => (
            <li key={call.key} className={styles.call}>
              <Call call={call} />
            </li>
          ))}
        </ol>
      )}
    </section>
  );
};

/** `CARD-012 → Room 3`; a screen reader hears "CARD-012 go to Room 3". */
const Call = ({ call }: { readonly call: ShownCall }) => {
  const { t } = useTranslation('board');
  return (
    <>
      <span className={styles.ticket}>{call.ticket}</span>
      <span className={styles.arrow} aria-hidden="true">
        →
      </span>
      <span className="visually-hidden"> {t('goTo')} </span>
      <span className={styles.room}>{call.roomName ?? '–'}</span>
    </>
  );
};

const RecentCalls = ({ calls }: { readonly calls: readonly ShownCall[] }) => {
  const { t } = useTranslation('board');
  const headingId = useId();
  return (
    <section aria-labelledby={headingId} className={styles.recent}>
      <h2 id={headingId} className={styles.sectionTitle}>
        {t('recentCalls')}
      </h2>
      {calls.length === 0 ? (
        <p className={styles.recentEmpty}>{t('noRecentCalls')}</p>
      ) : (
        <ol className={styles.recentCalls}>
          {calls.map((call) => (
            <li key={call.key} className={styles.recentCall}>
              <Call call={call} />
            </li>
          ))}
        </ol>
      )}
    </section>
  );
};

const Queues = ({ departments }: { readonly departments: readonly BoardDepartment[] }) => {
  const { t } = useTranslation('board');
  const headingId = useId();
  return (
    <section aria-labelledby={headingId} className={styles.queues}>
      <h2 id={headingId} className="visually-hidden">
        {t('departments')}
      </h2>
      {departments.length === 0 ? (
        <p className={styles.empty}>{t('noDepartments')}</p>
      ) : (
        <ul className={styles.departments}>
          {departments.map((d) => (
            <li key={d.departmentId} className={styles.department}>
              <h3 className={styles.departmentName}>{d.departmentName}</h3>
              <dl className={styles.figures}>
                <div className={styles.figure}>
                  <dt>{t('waiting')}</dt>
                  <dd className={styles.figureValue}>{d.waitingCount}</dd>
                </div>
                <div className={styles.figure}>
                  <dt>{t('estimatedWait')}</dt>
                  <dd className={styles.figureValue}>
                    {d.estimatedWaitMinutes === null
                      ? t('common:waitUnknown')
                      : t('common:minutes', { count: Math.round(d.estimatedWaitMinutes) })}
                  </dd>
                </div>
              </dl>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
};
