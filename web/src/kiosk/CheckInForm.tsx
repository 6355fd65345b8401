import { useId, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { Department } from '../shared/api/types';
import { CheckInProblem } from './CheckInProblem';
import type { CheckInRequest } from './use-check-in';
import styles from './check-in-form.module.css';
import kiosk from './kiosk.module.css';

/** The server's limit for `patient.displayName` (docs/api.md). */
const NAME_MAX = 80;

/**
 * After a department is chosen (docs/screens.md): **Your name (optional)**, **I need priority
 * assistance**, **Get my ticket**. The fields stay locked while the ticket is on its way,
 * so a retried request always carries what the patient saw.
 */
export const CheckInForm = ({
  department,
  busy,
  retryingAfter,
  error,
  onSubmit,
  onBack,
}: {
  readonly department: Department;
  readonly busy: boolean;
  readonly retryingAfter: unknown;
  readonly error: unknown;
  readonly onSubmit: (request: CheckInRequest) => void;
  /** Null when this kiosk has one department: there is nothing to go back to. */
  readonly onBack: (() => void) | null;
}) => {
  const { t } = useTranslation('kiosk');
  const [name, setName] = useState('');
  const [priority, setPriority] = useState(false);
  const id = useId();
  const ids = {
    name: `${id}-name`,
    nameHint: `${id}-name-hint`,
    priority: `${id}-priority`,
    priorityHint: `${id}-priority-hint`,
  };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    onSubmit({ departmentId: department.id, displayName: name.trim(), priority });
  };

  return (
    <>
      {onBack !== null && (
        <button type="button" className={styles.back} onClick={onBack} disabled={busy}>
          {t('form.back')}
        </button>
      )}
      <h1 className={kiosk.title}>{t('form.title', { department: department.name })}</h1>
      <form className={styles.form} onSubmit={submit} noValidate>
        <fieldset className={styles.fields} disabled={busy}>
          <div className={styles.field}>
            <label className={styles.fieldLabel} htmlFor={ids.name}>
              {t('form.name')}
            </label>
            <p id={ids.nameHint} className={styles.hint}>
              {t('form.nameHint')}
            </p>
            {/* autoComplete off: the next patient must not see this name suggested. */}
            <input
              id={ids.name}
              className={styles.input}
              name="display-name"
              autoComplete="off"
              autoCapitalize="words"
              spellCheck={false}
              maxLength={NAME_MAX}
              aria-describedby={ids.nameHint}
              value={name}
              onChange={(e) => setName(e.target.value)}
            />
          </div>
          {/* The whole box is the touch target; the name is the label text alone (docs/screens.md
              fixes it exactly), the example is its description. */}
          <label className={styles.check}>
            <input
              type="checkbox"
              checked={priority}
              aria-labelledby={ids.priority}
              aria-describedby={ids.priorityHint}
              onChange={(e) => setPriority(e.target.checked)}
            />
            <span id={ids.priority} className={styles.fieldLabel}>
              {t('form.priority')}
            </span>
            <span id={ids.priorityHint} className={styles.checkHint}>
              {t('form.priorityHint')}
            </span>
          </label>
        </fieldset>
        <button type="submit" className={styles.primary} disabled={busy}>
          {t('form.submit')}
        </button>
        {/* Always in the page, so a screen reader announces the text when it appears. */}
        <p role="status" className={styles.status}>
          {busy && retryingAfter === null ? t('form.submitting') : ''}
        </p>
        <CheckInProblem retryingAfter={retryingAfter} error={error} />
      </form>
    </>
  );
};
