import type { ReactNode } from 'react';
import { LanguageSwitch } from '../shared/ui/LanguageSwitch';
import styles from './kiosk.module.css';

/** Every kiosk screen: the language switch at the top (never printed), then one idea. */
export const KioskFrame = ({
  children,
  className,
}: {
  readonly children: ReactNode;
  readonly className?: string;
}) => (
  <div className={styles.kiosk}>
    <header className={styles.header}>
      <LanguageSwitch className={styles.language} />
    </header>
    <main className={[styles.main, className].filter(Boolean).join(' ')}>{children}</main>
  </div>
);
