import { useEffect, useId, useRef, useState, type KeyboardEvent, type ReactNode } from 'react';
import { createPortal } from 'react-dom';
import { useTranslation } from 'react-i18next';
import { ProblemAlert } from './ProblemAlert';
import styles from './common.module.css';

/** The admin console's <main>: where focus goes when the control that opened a dialog is gone. */
export const ADMIN_MAIN_ID = 'admin-main';

const FOCUSABLE = 'button:not([disabled]), [href], input:not([disabled]), select, textarea';

/**
 * A modal confirmation (role="alertdialog", aria-modal): focus moves to **Cancel** (the
 * safe choice) when it opens, stays inside while it is open (Tab wraps), Escape cancels,
 * and focus returns to what opened it — or, if a change removed that control (a revoked
 * row loses its **Revoke** button), to the console's main area.
 */
export const ConfirmDialog = ({
  title,
  children,
  confirmLabel,
  pending,
  error,
  onConfirm,
  onCancel,
}: {
  readonly title: string;
  readonly children: ReactNode;
  readonly confirmLabel: string;
  readonly pending: boolean;
  readonly error: unknown;
  readonly onConfirm: () => void;
  readonly onCancel: () => void;
}) => {
  const { t } = useTranslation('admin');
  const titleId = useId();
  const bodyId = useId();
  const dialog = useRef<HTMLDivElement>(null);
  const cancel = useRef<HTMLButtonElement>(null);

  // Read while rendering the first time, when focus is still on the control that opened it.
  const [opener] = useState(() =>
    document.activeElement instanceof HTMLElement ? document.activeElement : null,
  );

  useEffect(() => {
    const node = dialog.current;
    cancel.current?.focus();
    return () => {
      // After this render's DOM changes: only then is it known whether the opener survived.
      setTimeout(() => {
        // Still on the page: not closed, only re-run (React's StrictMode does that).
        if (node?.isConnected) return;
        const target = opener?.isConnected ? opener : document.getElementById(ADMIN_MAIN_ID);
        target?.focus();
      }, 0);
    };
  }, [opener]);

  const onKeyDown = (event: KeyboardEvent) => {
    if (event.key === 'Escape') {
      event.preventDefault();
      if (!pending) onCancel();
      return;
    }
    if (event.key !== 'Tab' || dialog.current === null) return;
    const focusable = [...dialog.current.querySelectorAll<HTMLElement>(FOCUSABLE)];
    const first = focusable[0];
    const last = focusable[focusable.length - 1];
    if (first === undefined || last === undefined) return;
    if (event.shiftKey && document.activeElement === first) {
      event.preventDefault();
      last.focus();
    } else if (!event.shiftKey && document.activeElement === last) {
      event.preventDefault();
      first.focus();
    }
  };

  return createPortal(
    <div className={styles.backdrop}>
      <div
        ref={dialog}
        role="alertdialog"
        aria-modal="true"
        aria-labelledby={titleId}
        aria-describedby={bodyId}
        className={styles.dialog}
        onKeyDown={onKeyDown}
      >
        <h2 id={titleId}>{title}</h2>
        <div id={bodyId}>{children}</div>
        <ProblemAlert error={error} />
        <div className={styles.dialogActions}>
          <button ref={cancel} type="button" className={styles.secondary} onClick={onCancel}>
            {t('cancel')}
          </button>
          <button
            type="button"
            className={styles.danger}
            disabled={pending}
            aria-busy={pending}
            onClick={onConfirm}
          >
            {confirmLabel}
          </button>
        </div>
      </div>
    </div>,
    document.body,
  );
};
