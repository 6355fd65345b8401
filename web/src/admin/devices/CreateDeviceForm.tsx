import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useId, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { DeviceKind } from '../../shared/device/pairing';
import ui from '../../shared/ui/screens.module.css';
import { adminKeys, useAdminApi, useAllDepartments } from '../common/admin-api';
import { DepartmentsSelect } from '../common/DepartmentsSelect';
import { Field } from '../common/Field';
import { fieldProblems, ProblemAlert } from '../common/ProblemAlert';
import common from '../common/common.module.css';
import { deviceApi, type Device, type Language } from './device-api';

/**
 * **Name**, **Departments** (and **Language** for a board), **Create**. With one active
 * department it is chosen already: the common small clinic has nothing to pick.
 */
export const CreateDeviceForm = ({
  kind,
  onCreated,
}: {
  readonly kind: DeviceKind;
  readonly onCreated: (device: Device, token: string) => void;
}) => {
  const { t, i18n } = useTranslation('admin');
  const api = useAdminApi();
  const queryClient = useQueryClient();
  const departments = useAllDepartments();
  const headingId = useId();
  const [name, setName] = useState('');
  const [picked, setPicked] = useState<string[] | null>(null);
  const [language, setLanguage] = useState<Language>(i18n.language === 'fr' ? 'fr' : 'en');
  const [checked, setChecked] = useState(false);
  const active = (departments.data ?? []).filter((d) => d.active);
  const only = active.length === 1 ? active[0] : undefined;
  const departmentIds = picked ?? (only !== undefined ? [only.id] : []);

  const create = useMutation({
    mutationFn: () => deviceApi(api, kind).create({ name: name.trim(), departmentIds, language }),
    onSuccess: async ({ device, token }) => {
      setName('');
      setPicked(null);
      setChecked(false);
      onCreated(device, token);
      await queryClient.invalidateQueries({ queryKey: adminKeys.devices(kind) });
    },
  });

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setChecked(true);
    if (name.trim() === '' || departmentIds.length === 0) return;
    create.mutate();
  };

  return (
    <form className={common.panel} aria-labelledby={headingId} onSubmit={submit} noValidate>
      <h2 id={headingId}>{t(`devices.${kind}.new`)}</h2>
      <div className={common.fields}>
        <Field
          label={t('fields.name')}
          hint={t(`devices.${kind}.nameHint`)}
          error={checked && name.trim() === '' ? t('fieldRequired') : null}
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
        <DepartmentsSelect
          departments={departments.data}
          value={departmentIds}
          onChange={setPicked}
          hint={t(`devices.${kind}.departmentsHint`)}
          error={checked && departmentIds.length === 0 ? t('devices.departmentsRequired') : null}
          invalid={fieldProblems(create.error, 'departmentIds').length > 0}
        />
        {kind === 'board' && (
          <Field label={t('fields.language')} hint={t('devices.board.languageHint')}>
            {(props) => (
              <select
                {...props}
                className={ui.input}
                name="language"
                value={language}
                onChange={(e) => setLanguage(e.target.value as Language)}
              >
                {/* Each language named in itself, as the language switch does. */}
                <option value="en" lang="en">
                  {t('common:english')}
                </option>
                <option value="fr" lang="fr">
                  {t('common:french')}
                </option>
              </select>
            )}
          </Field>
        )}
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
