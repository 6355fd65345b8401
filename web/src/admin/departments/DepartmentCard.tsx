import { useQueryClient } from '@tanstack/react-query';
import { useId } from 'react';
import { useTranslation } from 'react-i18next';
import { unwrap } from '../../shared/api/client';
import type { Department } from '../../shared/api/types';
import { adminKeys, useAdminApi } from '../common/admin-api';
import { ConfirmedAction } from '../common/ConfirmedAction';
import { AddRoomForm } from './AddRoomForm';
import common from '../common/common.module.css';
import styles from './departments.module.css';

/**
 * One department as a region named by the department's name: its code and state, its
 * rooms (each with **Deactivate**), and the **Name** + **Create** form that adds a room.
 */
export const DepartmentCard = ({
  department,
  onNotice,
}: {
  readonly department: Department;
  readonly onNotice: (text: string) => void;
}) => {
  const { t } = useTranslation('admin');
  const api = useAdminApi();
  const queryClient = useQueryClient();
  const headingId = useId();
  const refresh = () => queryClient.invalidateQueries({ queryKey: adminKeys.departments });
  const rooms = department.rooms;

  return (
    <section aria-labelledby={headingId} className={styles.card}>
      <div className={styles.cardHeader}>
        <h3 id={headingId}>{department.name}</h3>
        <p className={styles.code}>
          <span className="visually-hidden">{t('fields.code')}: </span>
          {department.code}
        </p>
        <p className={department.active ? common.statusActive : common.statusInactive}>
          {department.active ? t('status.active') : t('status.deactivated')}
        </p>
      </div>

      <h4 className={styles.roomsTitle}>{t('rooms.title')}</h4>
      {rooms.length === 0 ? (
        <p className={common.muted}>{t('rooms.empty')}</p>
      ) : (
        <ul className={styles.rooms}>
          {rooms.map((room) => (
            <li key={room.id} className={styles.room}>
              <span id={`${headingId}-${room.id}`} className={styles.roomName}>
                {room.name}
              </span>
              {room.active ? (
                department.active && (
                  <ConfirmedAction
                    label={t('deactivate')}
                    describedBy={`${headingId}-${room.id}`}
                    title={t('rooms.deactivateTitle', {
                      name: room.name,
                      department: department.name,
                    })}
                    body={<p>{t('rooms.deactivateBody')}</p>}
                    run={() =>
                      unwrap(
                        api.DELETE('/api/v1/admin/departments/{id}/rooms/{roomId}', {
                          params: { path: { id: department.id, roomId: room.id } },
                        }),
                      )
                    }
                    onDone={async () => {
                      onNotice(t('rooms.deactivated', { name: room.name }));
                      await refresh();
                    }}
                  />
                )
              ) : (
                <span className={common.statusInactive}>{t('status.deactivated')}</span>
              )}
            </li>
          ))}
        </ul>
      )}
      {department.active && (
        <AddRoomForm
          department={department}
          onCreated={(name) => onNotice(t('rooms.created', { name, department: department.name }))}
        />
      )}
      {/* Apart from the everyday controls: taking a whole queue away is rare. */}
      {department.active && (
        <div className={styles.cardFooter}>
          <ConfirmedAction
            label={t('departments.deactivate')}
            describedBy={headingId}
            title={t('departments.deactivateTitle', { name: department.name })}
            body={<p>{t('departments.deactivateBody')}</p>}
            run={() =>
              unwrap(
                api.DELETE('/api/v1/admin/departments/{id}', {
                  params: { path: { id: department.id } },
                }),
              )
            }
            onDone={async () => {
              onNotice(t('departments.deactivated', { name: department.name }));
              await refresh();
            }}
          />
        </div>
      )}
    </section>
  );
};
