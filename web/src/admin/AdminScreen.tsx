import { lazy, Suspense } from 'react';
import { useTranslation } from 'react-i18next';
import { Navigate, NavLink, Route, Routes } from 'react-router';
import { RequireStaff } from '../shared/auth/RequireStaff';
import { StaffHeader } from '../shared/auth/StaffHeader';
import { AuditSection } from './audit/AuditSection';
import { ADMIN_MAIN_ID } from './common/ConfirmDialog';
import { DepartmentsSection } from './departments/DepartmentsSection';
import { DevicesSection } from './devices/DevicesSection';
import { UserSessionsPage } from './users/UserSessionsPage';
import { UsersSection } from './users/UsersSection';
import styles from './admin.module.css';

// Chart.js is only needed for reports: the other sections do not download it.
const ReportsSection = lazy(() =>
  import('./reports/ReportsSection').then((m) => ({ default: m.ReportsSection })),
);

const sections = ['departments', 'users', 'kiosks', 'boards', 'audit', 'reports'] as const;

/**
 * `/admin/*` (docs/screens.md "Admin"): the clinic admin's console. One section per sub-route, named
 * in the navigation exactly as docs/screens.md fixes: Departments, Users, Kiosks, Boards, Audit log,
 * Reports. `/admin` opens Departments.
 */
export const AdminScreen = () => {
  const { t } = useTranslation('admin');
  return (
    <RequireStaff roles={['admin']}>
      {(user) => (
        <div className={styles.shell}>
          <StaffHeader user={user} title={t('title')} />
          <div className={styles.body}>
            <nav aria-label={t('nav.label')} className={styles.nav}>
              <ul>
                {sections.map((section) => (
                  <li key={section}>
                    <NavLink to={`/admin/${section}`} className={styles.navLink}>
                      {t(`nav.${section}`)}
                    </NavLink>
                  </li>
                ))}
              </ul>
            </nav>
            {/* Focusable so a dialog can hand focus back here when its opener is gone. */}
            <main id={ADMIN_MAIN_ID} tabIndex={-1} className={styles.main}>
              <Suspense fallback={<p aria-busy="true">{t('common:loading')}</p>}>
                <Routes>
                  <Route index element={<Navigate replace to="/admin/departments" />} />
                  <Route path="departments" element={<DepartmentsSection />} />
                  <Route path="users" element={<UsersSection currentUserId={user.id} />} />
                  <Route path="users/:userId" element={<UserSessionsPage />} />
                  <Route path="kiosks" element={<DevicesSection kind="kiosk" />} />
                  <Route path="boards" element={<DevicesSection kind="board" />} />
                  <Route path="audit" element={<AuditSection />} />
                  <Route path="reports" element={<ReportsSection />} />
                  <Route path="*" element={<UnknownSection />} />
                </Routes>
              </Suspense>
            </main>
          </div>
        </div>
      )}
    </RequireStaff>
  );
};

const UnknownSection = () => {
  const { t } = useTranslation('admin');
  return (
    <>
      <h1>{t('unknown.title')}</h1>
      <p>{t('unknown.body')}</p>
    </>
  );
};
