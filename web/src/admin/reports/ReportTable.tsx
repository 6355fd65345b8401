import { useTranslation } from 'react-i18next';
import { useFormat } from '../common/format';
import common from '../common/common.module.css';
import { totals, type ReportDay } from './report-days';
import styles from './reports.module.css';

const counts = ['visits', 'completed', 'noShows', 'cancelled'] as const;
const minutes = ['medianWaitMinutes', 'p90WaitMinutes', 'medianServiceMinutes'] as const;

/** The figures behind a department's chart, a row per service day with visits. */
export const ReportTable = ({
  days,
  caption,
}: {
  readonly days: readonly ReportDay[];
  readonly caption: string;
}) => {
  const { t } = useTranslation('admin');
  const format = useFormat();
  const sum = totals(days);
  const minutesCell = (value: number | null) =>
    value === null ? (
      <span className={common.muted}>{t('reports.unknown')}</span>
    ) : (
      format.number(value)
    );
  return (
    <table className={`${common.table} ${styles.figures}`}>
      <caption>{caption}</caption>
      <thead>
        <tr>
          <th scope="col">{t('reports.columns.day')}</th>
          {[...counts, ...minutes].map((c) => (
            <th key={c} scope="col" className={styles.number}>
              {t(`reports.columns.${c}`)}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {days.map((d) => (
          <tr key={d.day}>
            <th scope="row">
              <time dateTime={d.day}>{format.day(d.day)}</time>
            </th>
            {counts.map((c) => (
              <td key={c} className={styles.number}>
                {format.number(d[c])}
              </td>
            ))}
            {minutes.map((c) => (
              <td key={c} className={styles.number}>
                {minutesCell(d[c])}
              </td>
            ))}
          </tr>
        ))}
      </tbody>
      {days.length > 1 && (
        <tfoot>
          <tr>
            <th scope="row">{t('reports.total')}</th>
            {counts.map((c) => (
              <td key={c} className={styles.number}>
                {format.number(sum[c])}
              </td>
            ))}
            <td colSpan={minutes.length} />
          </tr>
        </tfoot>
      )}
    </table>
  );
};
