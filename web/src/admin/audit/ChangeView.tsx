import { useTranslation } from 'react-i18next';
import styles from './audit.module.css';

type Fields = Record<string, unknown>;

const isFields = (value: unknown): value is Fields =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const show = (value: unknown): string =>
  value === undefined ? '—' : typeof value === 'string' ? value : JSON.stringify(value, null, 1);

/**
 * Before and after one change, side by side. Records (the usual case) become a row per
 * field, a changed one marked in words; anything else is shown as JSON in two columns.
 */
export const ChangeView = ({
  before,
  after,
}: {
  readonly before: unknown;
  readonly after: unknown;
}) => {
  const { t } = useTranslation('admin');
  const b = before ?? null;
  const a = after ?? null;
  if ((b === null || isFields(b)) && (a === null || isFields(a))) {
    const fields = [...new Set([...Object.keys(b ?? {}), ...Object.keys(a ?? {})])];
    if (fields.length === 0) return <p>{t('audit.noChange')}</p>;
    // A creation (nothing before) or a removal: every field is new, so none is marked.
    const comparing = b !== null && a !== null;
    return (
      <table className={styles.changes}>
        <thead>
          <tr>
            <th scope="col">{t('audit.field')}</th>
            <th scope="col">{t('audit.before')}</th>
            <th scope="col">{t('audit.after')}</th>
          </tr>
        </thead>
        <tbody>
          {fields.map((field) => {
            const was = b?.[field];
            const now = a?.[field];
            const changed = comparing && JSON.stringify(was) !== JSON.stringify(now);
            return (
              <tr key={field} className={changed ? styles.changed : undefined}>
                <th scope="row">
                  {field}
                  {changed && <span className={styles.changedMark}> {t('audit.changed')}</span>}
                </th>
                <td>
                  {b === null ? (
                    <span className={styles.nothing}>{t('audit.nothing')}</span>
                  ) : (
                    <code>{show(was)}</code>
                  )}
                </td>
                <td>
                  {a === null ? (
                    <span className={styles.nothing}>{t('audit.nothing')}</span>
                  ) : (
                    <code>{show(now)}</code>
                  )}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    );
  }
  return (
    <div className={styles.sideBySide}>
      <div>
        <h4>{t('audit.before')}</h4>
        <pre>{JSON.stringify(before, null, 2)}</pre>
      </div>
      <div>
        <h4>{t('audit.after')}</h4>
        <pre>{JSON.stringify(after, null, 2)}</pre>
      </div>
    </div>
  );
};
