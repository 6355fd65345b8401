import { useTranslation } from 'react-i18next';
import { RequireStaff } from '../shared/auth/RequireStaff';
import { StaffHeader } from '../shared/auth/StaffHeader';

export const AdminScreen = () => {
  const { t } = useTranslation('admin');
  return <RequireStaff>{(user) => <StaffHeader user={user} title={t('title')} />}</RequireStaff>;
};
