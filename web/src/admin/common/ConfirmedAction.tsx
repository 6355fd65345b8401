import { useMutation } from '@tanstack/react-query';
import { useState, type ReactNode } from 'react';
import { ConfirmDialog } from './ConfirmDialog';
import styles from './common.module.css';

/**
 * A row's destructive button (**Revoke**, **Deactivate**): it opens a confirmation whose
 * confirming button has the same name (docs/screens.md), runs `run`, and closes once `onDone` (the
 * list's refetch) has finished — a failure stays in the dialog, said plainly.
 */
export const ConfirmedAction = ({
  label,
  title,
  body,
  describedBy,
  run,
  onDone,
}: {
  readonly label: string;
  readonly title: string;
  readonly body: ReactNode;
  /** The id of what names the row (its name cell), so "Revoke" says revoke *what*. */
  readonly describedBy?: string;
  readonly run: () => Promise<unknown>;
  readonly onDone: () => Promise<unknown>;
}) => {
  const [open, setOpen] = useState(false);
  const mutation = useMutation({
    mutationFn: run,
    onSuccess: async () => {
      await onDone();
      setOpen(false);
    },
  });
  return (
    <>
      <button
        type="button"
        className={styles.rowDanger}
        aria-describedby={describedBy}
        onClick={() => {
          mutation.reset();
          setOpen(true);
        }}
      >
        {label}
      </button>
      {open && (
        <ConfirmDialog
          title={title}
          confirmLabel={label}
          pending={mutation.isPending}
          error={mutation.error}
          onConfirm={() => mutation.mutate()}
          onCancel={() => setOpen(false)}
        >
          {body}
        </ConfirmDialog>
      )}
    </>
  );
};
