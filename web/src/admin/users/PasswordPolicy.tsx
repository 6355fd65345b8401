import { useTranslation } from 'react-i18next';
import { passwordRules, type PasswordCheck } from './password-rules';
import styles from './users.module.css';

/**
 * The password policy as a checklist that follows what the admin types: each rule says in
 * words whether it is met (a mark and colour as well, never colour alone). It is the
 * password field's description, not a live region: announcing every keystroke would drown
 * a screen reader; the form's alert speaks when a weak password is submitted.
 */
export const PasswordPolicy = ({
  check,
  touched,
}: {
  readonly check: PasswordCheck;
  readonly touched: boolean;
}) => {
  const { t } = useTranslation('admin');
  return (
    <div className={styles.policy}>
      <p className={styles.policyTitle}>{t('password.title')}</p>
      <ul>
        {passwordRules.map((rule) => {
          const met = touched && !check.failing.has(rule);
          return (
            <li key={rule} className={met ? styles.ruleMet : styles.ruleOpen}>
              <span aria-hidden="true" className={styles.mark}>
                {met ? '✓' : '•'}
              </span>
              {t(`password.rules.${rule}`)}
              <span className="visually-hidden">
                {' — '}
                {met ? t('password.met') : t('password.notMet')}
              </span>
            </li>
          );
        })}
        {check.other.map((problem) => (
          <li key={problem} lang="en" className={styles.ruleOpen}>
            {problem}
          </li>
        ))}
      </ul>
    </div>
  );
};
