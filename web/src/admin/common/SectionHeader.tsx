import { useEffect, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import styles from '../admin.module.css';

/**
 * The top of a section: its heading (level 1: one per page), a sentence saying what it is
 * for, and the browser tab's title, so a screen reader and a tab strip both say where the
 * admin is.
 */
export const SectionHeader = ({
  title,
  intro,
  children,
}: {
  readonly title: string;
  readonly intro: string;
  readonly children?: ReactNode;
}) => {
  const { t } = useTranslation('admin');
  useEffect(() => {
    document.title = t('documentTitle', { section: title });
  }, [t, title]);
  return (
    <div className={styles.sectionHeader}>
      <h1>{title}</h1>
      <p className={styles.intro}>{intro}</p>
      {children}
    </div>
  );
};
