import { useId, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { Department } from '../../shared/api/types';
import ui from '../../shared/ui/screens.module.css';
import { Field } from '../common/Field';
import common from '../common/common.module.css';
import type { ReportQuery } from './report-days';

/** **From**, **To** (service days), **Department**, **Show report**. */
export const ReportFilters = ({
  query,
  departments,
  onShow,
}: {
  readonly query: ReportQuery;
  readonly departments: readonly Department[];
  readonly onShow: (query: ReportQuery) => void;
}) => {
  const { t } = useTranslation('admin');
  const headingId = useId();
  const [from, setFrom] = useState(query.from);
  const [to, setTo] = useState(query.to);
  const [departmentId, setDepartmentId] = useState(query.departmentId ?? '');
  const [checked, setChecked] = useState(false);
  const invalid = from === '' || to === '' || from > to;

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setChecked(true);
    if (invalid) return;
    onShow({ from, to, ...(departmentId !== '' && { departmentId }) });
  };

  return (
    <form className={common.panel} aria-labelledby={headingId} onSubmit={submit} noValidate>
      <h2 id={headingId}>{t('reports.filters')}</h2>
      <div className={common.fields}>
        <Field
          label={t('reports.from')}
          error={checked && invalid ? t('reports.rangeInvalid') : null}
        >
          {(props) => (
            <input
              {...props}
              type="date"
              className={ui.input}
              value={from}
              onChange={(e) => setFrom(e.target.value)}
            />
          )}
        </Field>
        <Field label={t('reports.to')}>
          {(props) => (
            <input
              {...props}
              type="date"
              className={ui.input}
              value={to}
              onChange={(e) => setTo(e.target.value)}
            />
          )}
        </Field>
        <Field label={t('reports.department')}>
          {(props) => (
            <select
              {...props}
              className={ui.input}
              value={departmentId}
              onChange={(e) => setDepartmentId(e.target.value)}
            >
              <option value="">{t('reports.allDepartments')}</option>
              {departments.map((d) => (
                <option key={d.id} value={d.id}>
                  {d.name}
                </option>
              ))}
            </select>
          )}
        </Field>
      </div>
      <div className={common.submitRow}>
        <button type="submit" className={ui.primary}>
          {t('reports.show')}
        </button>
      </div>
    </form>
  );
};
