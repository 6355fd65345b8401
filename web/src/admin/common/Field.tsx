import { useId, type ReactNode } from 'react';
import ui from '../../shared/ui/screens.module.css';
import styles from './common.module.css';

export interface FieldProps {
  readonly id: string;
  readonly 'aria-describedby'?: string;
  readonly 'aria-invalid'?: boolean;
}

/**
 * A labelled control with an optional hint and error. The label's text is the control's
 * whole accessible name (docs/screens.md fixes those names: "Code", "Name", …); the hint and the
 * error are its description.
 */
export const Field = ({
  label,
  hint,
  error,
  invalid = false,
  after,
  children,
}: {
  readonly label: string;
  readonly hint?: ReactNode;
  /** What is wrong, found before sending: shown under the label, announced. */
  readonly error?: string | null;
  /** The server named this field in its refusal (the message is in the form's alert). */
  readonly invalid?: boolean;
  /** Shown under the control and part of its description (e.g. the password checklist). */
  readonly after?: ReactNode;
  readonly children: (props: FieldProps) => ReactNode;
}) => {
  const id = useId();
  const hintId = `${id}-hint`;
  const errorId = `${id}-error`;
  const afterId = `${id}-after`;
  const hasError = error !== undefined && error !== null && error !== '';
  const describedBy = [
    hint !== undefined && hintId,
    hasError && errorId,
    after !== undefined && afterId,
  ]
    .filter(Boolean)
    .join(' ');
  return (
    <div className={styles.field}>
      <label htmlFor={id} className={ui.label}>
        {label}
      </label>
      {hint !== undefined && (
        <div id={hintId} className={styles.hint}>
          {hint}
        </div>
      )}
      {hasError && (
        <p id={errorId} role="alert" className={styles.fieldError}>
          {error}
        </p>
      )}
      {children({
        id,
        ...(describedBy !== '' && { 'aria-describedby': describedBy }),
        ...((hasError || invalid) && { 'aria-invalid': true }),
      })}
      {after !== undefined && <div id={afterId}>{after}</div>}
    </div>
  );
};
