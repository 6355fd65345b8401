import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { DeviceKind } from '../../shared/device/pairing';
import { adminKeys, departmentNames, useAdminApi, useAllDepartments } from '../common/admin-api';
import { ConfirmedAction } from '../common/ConfirmedAction';
import { useFormat } from '../common/format';
import { ListState, Notice, Pager } from '../common/Pager';
import { SectionHeader } from '../common/SectionHeader';
import { PAGE_SIZE, usePagedList } from '../common/use-paged-list';
import common from '../common/common.module.css';
import { CreateDeviceForm } from './CreateDeviceForm';
import { deviceApi, pairingLink, type Device } from './device-api';
import { PairingPanel } from './PairingPanel';

/** `/admin/kiosks` and `/admin/boards`: create (pairing link shown once), list, revoke. */
export const DevicesSection = ({ kind }: { readonly kind: DeviceKind }) => {
  const { t } = useTranslation('admin');
  const api = useAdminApi();
  const queryClient = useQueryClient();
  const format = useFormat();
  const departments = useAllDepartments();
  const [created, setCreated] = useState<{ name: string; link: string } | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const devices = deviceApi(api, kind);
  const list = usePagedList(adminKeys.devices(kind), (cursor) => devices.list(cursor, PAGE_SIZE));

  const revoke = (device: Device) => (
    <ConfirmedAction
      label={t('revoke')}
      describedBy={`device-${device.id}`}
      title={t(`devices.${kind}.revokeTitle`, { name: device.name })}
      body={<p>{t(`devices.${kind}.revokeBody`)}</p>}
      run={() => devices.revoke(device.id)}
      onDone={async () => {
        setNotice(t(`devices.${kind}.revoked`, { name: device.name }));
        await queryClient.invalidateQueries({ queryKey: adminKeys.devices(kind) });
      }}
    />
  );

  return (
    <>
      <SectionHeader title={t(`devices.${kind}.title`)} intro={t(`devices.${kind}.intro`)} />
      {created !== null ? (
        <PairingPanel
          key={created.link}
          kind={kind}
          name={created.name}
          link={created.link}
          onDone={() => setCreated(null)}
        />
      ) : (
        <CreateDeviceForm
          kind={kind}
          onCreated={(device, token) => {
            setNotice(null);
            setCreated({ name: device.name, link: pairingLink(kind, device, token) });
          }}
        />
      )}
      <Notice text={notice} />
      <ListState list={list} empty={t(`devices.${kind}.empty`)} />
      {list.items.length > 0 && (
        <table className={common.table}>
          <caption>{t(`devices.${kind}.listTitle`)}</caption>
          <thead>
            <tr>
              <th scope="col">{t('fields.name')}</th>
              <th scope="col">{t('fields.departments')}</th>
              {kind === 'board' && <th scope="col">{t('fields.language')}</th>}
              <th scope="col">{t('columns.created')}</th>
              <th scope="col">{t('columns.status')}</th>
              <th scope="col">{t('columns.actions')}</th>
            </tr>
          </thead>
          <tbody>
            {list.items.map((device) => (
              <tr key={device.id}>
                <th scope="row" id={`device-${device.id}`}>
                  {device.name}
                </th>
                <td>{departmentNames(device.departmentIds, departments.data)}</td>
                {kind === 'board' && (
                  <td>
                    {'language' in device && device.language !== null
                      ? t(device.language === 'fr' ? 'common:french' : 'common:english')
                      : t('devices.board.languageUnset')}
                  </td>
                )}
                <td>{format.dateTime(device.createdAt)}</td>
                <td>
                  <span className={device.active ? common.statusActive : common.statusInactive}>
                    {device.active ? t('status.active') : t('status.revoked')}
                  </span>
                </td>
                <td>{device.active && revoke(device)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <Pager list={list} label={t(`devices.${kind}.pager`)} />
    </>
  );
};
