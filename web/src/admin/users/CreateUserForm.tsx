import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useId, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { unwrap } from '../../shared/api/client';
import ui from '../../shared/ui/screens.module.css';
import {
  adminKeys,
  useAdminApi,
  useAllDepartments,
  type Role,
  type User,
} from '../common/admin-api';
import { DepartmentsSelect } from '../common/DepartmentsSelect';
import { Field } from '../common/Field';
import { fieldProblems, ProblemAlert } from '../common/ProblemAlert';
import common from '../common/common.module.css';
import { checkPassword } from './password-rules';
import { PasswordPolicy } from './PasswordPolicy';

const roles: readonly Role[] = ['doctor', 'reception', 'admin'];

/**
 * **Username**, **Password** (the policy checked as the admin types), **Role**,
 * **Departments**, **Create**. A weak password is refused here, before it travels; the
 * server's own refusal (a taken username, …) is shown as it answers.
 */
export const CreateUserForm = ({ onCreated }: { readonly onCreated: (user: User) => void }) => {
  const { t } = useTranslation('admin');
  const api = useAdminApi();
  const queryClient = useQueryClient();
  const departments = useAllDepartments();
  const headingId = useId();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [role, setRole] = useState<Role>('doctor');
  const [departmentIds, setDepartmentIds] = useState<string[]>([]);
  const [checked, setChecked] = useState(false);
  const check = checkPassword(password, username.trim());

  const create = useMutation({
    mutationFn: () =>
      unwrap(
        api.POST('/api/v1/admin/users', {
          body: { username: username.trim(), password, role, departmentIds },
        }),
      ),
    onSuccess: async ({ user }) => {
      setUsername('');
      setPassword('');
      setDepartmentIds([]);
      setChecked(false);
      onCreated(user);
      await queryClient.invalidateQueries({ queryKey: adminKeys.users });
    },
  });

  const usernameMissing = checked && username.trim() === '';
  const weak = checked && !check.ok;
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setChecked(true);
    if (username.trim() === '' || !check.ok) return;
    create.mutate();
  };

  return (
    <form className={common.panel} aria-labelledby={headingId} onSubmit={submit} noValidate>
      <h2 id={headingId}>{t('users.new')}</h2>
      <div className={common.fields}>
        <Field
          label={t('fields.username')}
          hint={t('users.usernameHint')}
          error={usernameMissing ? t('fieldRequired') : null}
          invalid={fieldProblems(create.error, 'username').length > 0}
        >
          {(props) => (
            <input
              {...props}
              className={ui.input}
              name="username"
              autoComplete="off"
              autoCapitalize="none"
              spellCheck={false}
              maxLength={64}
              value={username}
              onChange={(e) => setUsername(e.target.value)}
            />
          )}
        </Field>
        <Field
          label={t('fields.password')}
          after={<PasswordPolicy check={check} touched={password !== ''} />}
          error={weak ? t('password.weak') : null}
          invalid={fieldProblems(create.error, 'password').length > 0}
        >
          {(props) => (
            <input
              {...props}
              className={ui.input}
              name="new-password"
              type="password"
              // Stops the browser offering the admin's own saved password here.
              autoComplete="new-password"
              value={password}
              onChange={(e) => setPassword(e.target.value)}
            />
          )}
        </Field>
        <Field label={t('fields.role')} hint={t('users.roleHint')}>
          {(props) => (
            <select
              {...props}
              className={ui.input}
              name="role"
              value={role}
              onChange={(e) => setRole(e.target.value as Role)}
            >
              {roles.map((r) => (
                <option key={r} value={r}>
                  {t(`roles.${r}`)}
                </option>
              ))}
            </select>
          )}
        </Field>
        <DepartmentsSelect
          departments={departments.data}
          value={departmentIds}
          onChange={setDepartmentIds}
          hint={role === 'admin' ? t('users.departmentsAdminHint') : t('users.departmentsHint')}
          invalid={fieldProblems(create.error, 'departmentIds').length > 0}
        />
      </div>
      <ProblemAlert error={departments.error ?? create.error} />
      <div className={common.submitRow}>
        <button type="submit" className={ui.primary} disabled={create.isPending}>
          {t('create')}
        </button>
      </div>
    </form>
  );
};
