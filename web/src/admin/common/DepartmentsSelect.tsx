import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import type { Department } from '../../shared/api/types';
import ui from '../../shared/ui/screens.module.css';
import { Field } from './Field';
import styles from './common.module.css';

/**
 * **Departments**: one labelled control for the API's `departmentIds` (a native multiple
 * select: keyboard, screen readers and `selectOption` all know it), with only active
 * departments offered.
 */
export const DepartmentsSelect = ({
  departments,
  value,
  onChange,
  hint,
  error,
  invalid,
}: {
  readonly departments: readonly Department[] | undefined;
  readonly value: readonly string[];
  readonly onChange: (ids: string[]) => void;
  readonly hint: string;
  readonly error?: string | null;
  readonly invalid?: boolean;
}) => {
  const { t } = useTranslation('admin');
  const active = (departments ?? []).filter((d) => d.active);
  return (
    <Field
      label={t('fields.departments')}
      hint={
        <>
          <p>{hint}</p>
          <p>{t('departmentsPicker.howTo')}</p>
          {departments !== undefined && active.length === 0 && (
            <p>
              {t('departmentsPicker.none')}{' '}
              <Link to="/admin/departments">{t('departmentsPicker.createFirst')}</Link>
            </p>
          )}
        </>
      }
      error={error ?? null}
      invalid={invalid ?? false}
    >
      {(props) => (
        <select
          {...props}
          multiple
          name="departmentIds"
          className={`${ui.input} ${styles.multiple}`}
          size={Math.min(Math.max(active.length, 3), 8)}
          value={[...value]}
          onChange={(e) => onChange([...e.target.selectedOptions].map((o) => o.value))}
        >
          {active.map((d) => (
            // The name alone: what people (and tests) pick by.
            <option key={d.id} value={d.id}>
              {d.name}
            </option>
          ))}
        </select>
      )}
    </Field>
  );
};
