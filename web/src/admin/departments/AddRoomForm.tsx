import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { unwrap } from '../../shared/api/client';
import type { Department } from '../../shared/api/types';
import ui from '../../shared/ui/screens.module.css';
import { adminKeys, useAdminApi } from '../common/admin-api';
import { Field } from '../common/Field';
import { fieldProblems, ProblemAlert } from '../common/ProblemAlert';
import styles from './departments.module.css';

/** **Name** + **Create** inside a department's region: a room patients are called to. */
export const AddRoomForm = ({
  department,
  onCreated,
}: {
  readonly department: Department;
  readonly onCreated: (name: string) => void;
}) => {
  const { t } = useTranslation('admin');
  const api = useAdminApi();
  const queryClient = useQueryClient();
  const [name, setName] = useState('');
  const [checked, setChecked] = useState(false);

  const create = useMutation({
    mutationFn: (roomName: string) =>
      unwrap(
        api.POST('/api/v1/admin/departments/{id}/rooms', {
          params: { path: { id: department.id } },
          body: { name: roomName },
        }),
      ),
    onSuccess: async ({ room }) => {
      setName('');
      setChecked(false);
      onCreated(room.name);
      await queryClient.invalidateQueries({ queryKey: adminKeys.departments });
    },
  });

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setChecked(true);
    if (name.trim() !== '') create.mutate(name.trim());
  };

  return (
    <form
      className={styles.roomForm}
      aria-label={t('rooms.addTo', { department: department.name })}
      onSubmit={submit}
      noValidate
    >
      <Field
        label={t('fields.name')}
        hint={t('rooms.nameHint')}
        error={checked && name.trim() === '' ? t('fieldRequired') : null}
        invalid={fieldProblems(create.error, 'name').length > 0}
      >
        {(props) => (
          <input
            {...props}
            className={ui.input}
            name="room-name"
            autoComplete="off"
            maxLength={120}
            value={name}
            onChange={(e) => setName(e.target.value)}
          />
        )}
      </Field>
      <button type="submit" className={styles.roomSubmit} disabled={create.isPending}>
        {t('create')}
      </button>
      <div className={styles.roomProblem}>
        <ProblemAlert error={create.error} />
      </div>
    </form>
  );
};
