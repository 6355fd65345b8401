import { useEffect, useId, useRef, type FormEvent, type ReactNode } from 'react';
import styles from './confirm-dialog.module.css';

/**
 * A modal question before a change that is hard to undo. The native <dialog> gives the
 * focus trap, Escape and the top layer; the confirming button carries the action's own
 * name (docs/screens.md: "confirmed by a dialog whose confirming button has the same name").
 */
export const ConfirmDialog = ({
  title,
  body,
  confirmLabel,
  dismissLabel,
  onConfirm,
  onClose,
  children,
  danger = false,
}: {
  readonly title: string;
  readonly body?: string;
  readonly confirmLabel: string;
  readonly dismissLabel: string;
  readonly onConfirm: () => void;
  readonly onClose: () => void;
  readonly children?: ReactNode;
  readonly danger?: boolean;
}) => {
  const dialog = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  const bodyId = useId();

  useEffect(() => {
    const element = dialog.current;
    if (element === null) return;
    const opener = document.activeElement;
    if (!element.open) element.showModal();
    return () => {
      if (element.open) element.close();
      if (opener instanceof HTMLElement) opener.focus();
    };
  }, []);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    onConfirm();
  };

  return (
    <dialog
      ref={dialog}
      className={styles.dialog}
      aria-labelledby={titleId}
      aria-describedby={body === undefined ? undefined : bodyId}
      onCancel={(event) => {
        event.preventDefault();
        onClose();
      }}
    >
      <form method="dialog" onSubmit={submit} className={styles.form}>
        <h2 id={titleId}>{title}</h2>
        {body !== undefined && <p id={bodyId}>{body}</p>}
        {children}
        <div className={styles.buttons}>
          <button type="button" className={styles.dismiss} onClick={onClose}>
            {dismissLabel}
          </button>
          <button type="submit" className={danger ? styles.danger : styles.confirm}>
            {confirmLabel}
          </button>
        </div>
      </form>
    </dialog>
  );
};
