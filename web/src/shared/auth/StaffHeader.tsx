import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { LanguageSwitch } from '../ui/LanguageSwitch';
import { useStaffSession } from './session-context';
import type { StaffUser } from './staff-session';
import styles from './staff-header.module.css';

/** The bar on every staff screen: who is signed in, the language, **Sign out**. */
export const StaffHeader = ({
  user,
  title,
  children,
}: {
  readonly user: StaffUser;
  readonly title: string;
  readonly children?: ReactNode;
}) => {
  const { t } = useTranslation('staff');
  const session = useStaffSession();
  return (
    <header className={styles.header}>
      <p className={styles.brand}>
        MediQue <span className={styles.title}>{title}</span>
      </p>
      {children}
      <p className={styles.user}>
        {t('signedInAs', { username: user.username, role: t(`roles.${user.role}`) })}
      </p>
      <LanguageSwitch />
      <button type="button" className={styles.signOut} onClick={() => void session.logout()}>
        {t('signOut')}
      </button>
    </header>
  );
};
