import { useTranslation } from 'react-i18next';
import type { Department } from '../shared/api/types';
import styles from './kiosk.module.css';

/** The start screen (docs/screens.md): one large button per department, named by its name. */
export const DepartmentChoice = ({
  departments,
  onChoose,
}: {
  readonly departments: readonly Department[];
  readonly onChoose: (departmentId: string) => void;
}) => {
  const { t } = useTranslation('kiosk');
  return (
    <>
      <h1 className={styles.title}>{t('start.title')}</h1>
      {departments.length === 0 ? (
        <p className={styles.notice}>{t('start.none')}</p>
      ) : (
        <>
          <p className={styles.lead}>{t('start.choose')}</p>
          <ul className={styles.departments}>
            {departments.map((department) => (
              <li key={department.id}>
                <button
                  type="button"
                  className={styles.department}
                  onClick={() => onChoose(department.id)}
                >
                  {department.name}
                </button>
              </li>
            ))}
          </ul>
        </>
      )}
    </>
  );
};
