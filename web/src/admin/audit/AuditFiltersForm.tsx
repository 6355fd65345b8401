import { useId, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import ui from '../../shared/ui/screens.module.css';
import type { User } from '../common/admin-api';
import { Field } from '../common/Field';
import common from '../common/common.module.css';
import {
  fromLocalInput,
  isUuid,
  knownActions,
  toLocalInput,
  type AuditFilters,
} from './audit-filters';
import styles from './audit.module.css';

/**
 * **From**, **To**, **Actor**, **Action**, **Visit**: narrows the log; **Apply filters**
 * writes them to the address, **Clear filters** shows everything again.
 */
export const AuditFiltersForm = ({
  filters,
  users,
  onApply,
}: {
  readonly filters: AuditFilters;
  readonly users: readonly User[];
  readonly onApply: (filters: AuditFilters) => void;
}) => {
  const { t } = useTranslation('admin');
  const headingId = useId();
  const [from, setFrom] = useState(toLocalInput(filters.from));
  const [to, setTo] = useState(toLocalInput(filters.to));
  const [actorId, setActorId] = useState(filters.actorId ?? '');
  const [action, setAction] = useState(filters.action ?? '');
  const [visitId, setVisitId] = useState(filters.visitId ?? '');
  const [checked, setChecked] = useState(false);
  const visitInvalid = checked && visitId.trim() !== '' && !isUuid(visitId.trim());
  const fromIso = fromLocalInput(from);
  const toIso = fromLocalInput(to);
  const rangeInvalid =
    checked &&
    fromIso !== undefined &&
    toIso !== undefined &&
    Date.parse(fromIso) > Date.parse(toIso);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setChecked(true);
    const visit = visitId.trim();
    if (visit !== '' && !isUuid(visit)) return;
    if (fromIso !== undefined && toIso !== undefined && Date.parse(fromIso) > Date.parse(toIso)) {
      return;
    }
    onApply({ from: fromIso, to: toIso, actorId, action, visitId: visit });
  };

  return (
    <form
      className={`${common.panel} ${styles.filters}`}
      aria-labelledby={headingId}
      onSubmit={submit}
      noValidate
    >
      <h2 id={headingId}>{t('audit.filters')}</h2>
      <div className={`${common.fields} ${styles.filterFields}`}>
        <Field label={t('audit.from')} error={rangeInvalid ? t('audit.rangeInvalid') : null}>
          {(props) => (
            <input
              {...props}
              type="datetime-local"
              className={ui.input}
              value={from}
              onChange={(e) => setFrom(e.target.value)}
            />
          )}
        </Field>
        <Field label={t('audit.to')}>
          {(props) => (
            <input
              {...props}
              type="datetime-local"
              className={ui.input}
              value={to}
              onChange={(e) => setTo(e.target.value)}
            />
          )}
        </Field>
        <Field label={t('audit.actor')}>
          {(props) => (
            <select
              {...props}
              className={ui.input}
              value={actorId}
              onChange={(e) => setActorId(e.target.value)}
            >
              <option value="">{t('audit.anyone')}</option>
              {users.map((u) => (
                <option key={u.id} value={u.id}>
                  {u.username}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label={t('audit.action')}>
          {(props) => (
            <select
              {...props}
              className={ui.input}
              value={action}
              onChange={(e) => setAction(e.target.value)}
            >
              <option value="">{t('audit.anyAction')}</option>
              {Object.entries(knownActions).map(([group, actions]) => (
                <optgroup key={group} label={t(`audit.groups.${group}`)}>
                  {actions.map((a) => (
                    <option key={a} value={a}>
                      {t(`actions.${a}`)}
                    </option>
                  ))}
                </optgroup>
              ))}
            </select>
          )}
        </Field>
        <Field
          label={t('audit.visit')}
          hint={t('audit.visitHint')}
          error={visitInvalid ? t('audit.visitInvalid') : null}
        >
          {(props) => (
            <input
              {...props}
              className={ui.input}
              autoComplete="off"
              spellCheck={false}
              value={visitId}
              onChange={(e) => setVisitId(e.target.value)}
            />
          )}
        </Field>
      </div>
      <div className={common.submitRow}>
        <button type="submit" className={ui.primary}>
          {t('audit.apply')}
        </button>
        <button
          type="button"
          className={common.secondary}
          onClick={() => {
            setFrom('');
            setTo('');
            setActorId('');
            setAction('');
            setVisitId('');
            setChecked(false);
            onApply({});
          }}
        >
          {t('audit.clear')}
        </button>
      </div>
    </form>
  );
};
