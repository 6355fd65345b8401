import { useTranslation } from 'react-i18next';
import type { AuditEvent } from '../common/admin-api';
import { useFormat } from '../common/format';
import common from '../common/common.module.css';
import { auditNames, type Directory } from './audit-names';
import { ChangeView } from './ChangeView';
import styles from './audit.module.css';

/**
 * The events, newest first: when, who (a username when known), what happened in words,
 * what it touched, and a **Before and after** disclosure per change.
 */
export const AuditTable = ({
  events,
  directory,
  onVisit,
}: {
  readonly events: readonly AuditEvent[];
  readonly directory: Directory;
  readonly onVisit: (visitId: string) => void;
}) => {
  const { t } = useTranslation('admin');
  const format = useFormat();
  const names = auditNames(t, directory);

  return (
    <table className={`${common.table} ${styles.events}`}>
      <caption>{t('audit.listTitle')}</caption>
      <thead>
        <tr>
          <th scope="col">{t('audit.when')}</th>
          <th scope="col">{t('audit.who')}</th>
          <th scope="col">{t('audit.action')}</th>
          <th scope="col">{t('audit.what')}</th>
          <th scope="col">{t('audit.details')}</th>
        </tr>
      </thead>
      <tbody>
        {events.map((e) => (
          <tr key={e.id}>
            <td>
              <time dateTime={e.at}>{format.dateTimeSeconds(e.at)}</time>
            </td>
            <td>{names.actor(e)}</td>
            <td>
              {t(`actions.${e.action}`, { defaultValue: e.action })}
              <code className={styles.code}>{e.action}</code>
            </td>
            <td>
              {names.entity(e)}
              {e.entity === 'visit' && e.entityId !== null && (
                <button
                  type="button"
                  className={styles.linkButton}
                  onClick={() => onVisit(e.entityId ?? '')}
                >
                  {t('audit.visitHistory')}
                </button>
              )}
            </td>
            <td>
              <details className={styles.details}>
                <summary>{t('audit.beforeAfter')}</summary>
                <ChangeView before={e.before} after={e.after} />
                <p className={common.muted}>
                  {t('audit.meta', { ip: e.ip ?? '—', requestId: e.requestId ?? '—' })}
                </p>
              </details>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
};
