import { useId, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { isDeviceToken, type DeviceKind } from '../device/pairing';
import { LanguageSwitch } from './LanguageSwitch';
import styles from './screens.module.css';

/**
 * An unpaired kiosk or board (docs/screens.md): a field **Pairing code** and a button
 * **Pair this screen**, accepting the token from the pairing link typed or pasted.
 */
export const PairingForm = ({
  kind,
  revoked,
  onPair,
  languageKey,
}: {
  readonly kind: DeviceKind;
  readonly revoked: boolean;
  readonly onPair: (token: string) => void;
  /** Where this screen keeps its language choice (boards keep their own). */
  readonly languageKey?: string;
}) => {
  const { t } = useTranslation();
  const [code, setCode] = useState('');
  const [invalid, setInvalid] = useState(false);
  const errorId = useId();

  const submit = (event: FormEvent) => {
    event.preventDefault();
    // A pasted pairing link works too: take the token from its fragment.
    const token = code.trim().replace(/^.*#pair=/, '');
    if (!isDeviceToken(kind, token)) {
      setInvalid(true);
      return;
    }
    onPair(token);
  };

  return (
    <main className={styles.centered}>
      <LanguageSwitch
        className={styles.corner}
        {...(languageKey !== undefined && { storageKey: languageKey })}
      />
      <h1>{t('pairing.title')}</h1>
      {revoked && (
        <p role="alert" className={styles.warning}>
          {t('pairing.revoked')}
        </p>
      )}
      <p>{t('pairing.intro')}</p>
      <form className={styles.form} onSubmit={submit} noValidate>
        <label className={styles.label}>
          {t('pairing.code')}
          <input
            className={styles.input}
            name="pairing-code"
            autoComplete="off"
            spellCheck={false}
            value={code}
            aria-invalid={invalid}
            aria-describedby={invalid ? errorId : undefined}
            onChange={(e) => {
              setCode(e.target.value);
              setInvalid(false);
            }}
          />
        </label>
        {invalid && (
          <p id={errorId} role="alert" className={styles.warning}>
            {t('pairing.invalid')}
          </p>
        )}
        <button type="submit" className={styles.primary}>
          {t('pairing.submit')}
        </button>
      </form>
    </main>
  );
};
