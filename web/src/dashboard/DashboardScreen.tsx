import { useTranslation } from 'react-i18next';
import { RequireStaff } from '../shared/auth/RequireStaff';
import { StaffHeader } from '../shared/auth/StaffHeader';

export const DashboardScreen = () => {
  const { t } = useTranslation('dashboard');
  return <RequireStaff>{(user) => <StaffHeader user={user} title={t('title')} />}</RequireStaff>;
};
