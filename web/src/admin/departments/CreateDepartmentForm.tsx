import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useId, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { unwrap } from '../../shared/api/client';
import type { Department } from '../../shared/api/types';
import ui from '../../shared/ui/screens.module.css';
import { adminKeys, useAdminApi } from '../common/admin-api';
import { Field } from '../common/Field';
import { fieldProblems, ProblemAlert } from '../common/ProblemAlert';
import styles from '../common/common.module.css';

/** SPEC: a department's code is 2–6 upper-case letters, the prefix of its tickets. */
const CODE = /^[A-Z]{2,6}$/;

/** **Code**, **Name**, **Create**: a new department (its rooms are added on its card). */
export const CreateDepartmentForm = ({
  onCreated,
}: {
  readonly onCreated: (department: Department) => void;
}) => {
  const { t } = useTranslation('admin');
  const api = useAdminApi();
  const queryClient = useQueryClient();
  const headingId = useId();
  const [code, setCode] = useState('');
  const [name, setName] = useState('');
  const [checked, setChecked] = useState(false);

  const create = useMutation({
    mutationFn: () =>
      unwrap(api.POST('/api/v1/admin/departments', { body: { code, name: name.trim() } })),
    onSuccess: async ({ department }) => {
      setCode('');
      setName('');
      setChecked(false);
      onCreated(department);
      await queryClient.invalidateQueries({ queryKey: adminKeys.departments });
    },
  });

  const codeError = checked && !CODE.test(code) ? t('departments.codeInvalid') : null;
  const nameError = checked && name.trim() === '' ? t('fieldRequired') : null;

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setChecked(true);
    if (!CODE.test(code) || name.trim() === '') return;
    create.mutate();
  };

  return (
    <form
      className={`${styles.panel} ${styles.narrow}`}
      aria-labelledby={headingId}
      onSubmit={submit}
      noValidate
    >
      <h2 id={headingId}>{t('departments.new')}</h2>
      <div className={styles.fields}>
        <Field
          label={t('fields.code')}
          hint={t('departments.codeHint')}
          error={codeError}
          invalid={fieldProblems(create.error, 'code').length > 0}
        >
          {(props) => (
            <input
              {...props}
              className={ui.input}
              name="code"
              autoComplete="off"
              autoCapitalize="characters"
              spellCheck={false}
              maxLength={6}
              value={code}
              // Tickets print the code in capitals; typing "card" means CARD.
              onChange={(e) => setCode(e.target.value.toUpperCase().trim())}
            />
          )}
        </Field>
        <Field
          label={t('fields.name')}
          hint={t('departments.nameHint')}
          error={nameError}
          invalid={fieldProblems(create.error, 'name').length > 0}
        >
          {(props) => (
            <input
              {...props}
              className={ui.input}
              name="name"
              autoComplete="off"
              maxLength={120}
              value={name}
              onChange={(e) => setName(e.target.value)}
            />
          )}
        </Field>
      </div>
      <ProblemAlert error={create.error} />
      <div className={styles.submitRow}>
        <button type="submit" className={ui.primary} disabled={create.isPending}>
          {t('create')}
        </button>
      </div>
    </form>
  );
};
