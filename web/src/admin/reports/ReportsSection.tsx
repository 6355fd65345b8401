import { useId } from 'react';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router';
import type { Department } from '../../shared/api/types';
import { useAllDepartments } from '../common/admin-api';
import { useFormat } from '../common/format';
import { ProblemAlert } from '../common/ProblemAlert';
import { SectionHeader } from '../common/SectionHeader';
import common from '../common/common.module.css';
import {
  byDepartment,
  csvFileName,
  defaultRange,
  isIsoDay,
  totals,
  type ReportDay,
  type ReportQuery,
} from './report-days';
import { ReportChart } from './ReportChart';
import { ReportFilters } from './ReportFilters';
import { ReportTable } from './ReportTable';
import { useCsvDownload, useReport } from './use-report';
import styles from './reports.module.css';

/** The report's query lives in the address: a bookmark reopens the same figures. */
const queryFrom = (params: URLSearchParams): ReportQuery => {
  const range = defaultRange();
  const from = params.get('from');
  const to = params.get('to');
  const departmentId = params.get('departmentId');
  return {
    from: isIsoDay(from) ? from : range.from,
    to: isIsoDay(to) ? to : range.to,
    ...(departmentId !== null && departmentId !== '' && { departmentId }),
  };
};

/** `/admin/reports`: a chart and a table per department, and **Download CSV**. */
export const ReportsSection = () => {
  const { t } = useTranslation('admin');
  const format = useFormat();
  const [params, setParams] = useSearchParams();
  const query = queryFrom(params);
  const departments = useAllDepartments();
  const report = useReport(query);
  const csv = useCsvDownload(query, report.isSuccess);
  // A range without a single visit is said in words, not drawn as empty charts.
  const days = report.data?.days ?? [];
  const groups = byDepartment(days.some((d) => d.visits > 0) ? days : []);
  const known = departments.data ?? [];
  const code = known.find((d) => d.id === query.departmentId)?.code;
  // Departments in the clinic's own order; an id the list lacks still gets its chart.
  const shown = [
    ...known.filter((d) => groups.has(d.id)).map((d) => [d.id, d.name] as const),
    ...[...groups.keys()]
      .filter((id) => !known.some((d) => d.id === id))
      .map((id) => [id, id] as const),
  ];

  return (
    <>
      <SectionHeader title={t('reports.title')} intro={t('reports.intro')} />
      <ReportFilters
        key={params.toString()}
        query={query}
        departments={known}
        onShow={(next) => setParams(new URLSearchParams({ ...next }))}
      />
      <div className={styles.download}>
        {csv.url !== null ? (
          <a href={csv.url} download={csvFileName(query, code)} className={styles.downloadLink}>
            {t('reports.download')}
          </a>
        ) : (
          csv.pending && <p aria-busy="true">{t('reports.preparing')}</p>
        )}
        {csv.error !== null && (
          <>
            <p className={common.muted}>{t('reports.downloadFailed')}</p>
            <ProblemAlert error={csv.error} />
          </>
        )}
      </div>
      <ProblemAlert error={report.error ?? departments.error} />
      {report.isPending ? (
        <p aria-busy="true">{t('common:loading')}</p>
      ) : (
        report.isSuccess &&
        shown.length === 0 && (
          <p className={common.empty}>
            {t('reports.empty', { from: format.day(query.from), to: format.day(query.to) })}
          </p>
        )
      )}
      {shown.map(([id, name]) => (
        <DepartmentReport key={id} name={name} days={groups.get(id) ?? []} query={query} />
      ))}
    </>
  );
};

const DepartmentReport = ({
  name,
  days,
  query,
}: {
  readonly name: Department['name'];
  readonly days: readonly ReportDay[];
  readonly query: ReportQuery;
}) => {
  const { t } = useTranslation('admin');
  const format = useFormat();
  const headingId = useId();
  const sum = totals(days);
  const label = t('reports.chartLabel', {
    department: name,
    from: format.day(query.from),
    to: format.day(query.to),
    ...sum,
  });
  return (
    <section aria-labelledby={headingId} className={styles.department}>
      <h2 id={headingId}>{name}</h2>
      <ReportChart days={days} from={query.from} to={query.to} label={label} />
      <ReportTable days={days} caption={t('reports.tableCaption', { department: name })} />
    </section>
  );
};
