import { RequireStaff } from '../shared/auth/RequireStaff';
import { Dashboard } from './Dashboard';

/** `/dashboard` for doctors, nurses and reception (and admins). */
export const DashboardScreen = () => (
  <RequireStaff>{(user) => <Dashboard user={user} />}</RequireStaff>
);
