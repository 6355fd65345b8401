import { useMutation } from '@tanstack/react-query';
import { useEffect, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate, useSearchParams } from 'react-router';
import { ApiProblem, NetworkError } from '../shared/api/problem';
import { useSessionState, useStaffSession } from '../shared/auth/session-context';
import type { StaffUser } from '../shared/auth/staff-session';
import { LanguageSwitch } from '../shared/ui/LanguageSwitch';
import ui from '../shared/ui/screens.module.css';
import styles from './login.module.css';

/** Where to go after signing in: back where the user was sent from, else by role. */
const destination = (next: string | null, user: StaffUser): string =>
  next !== null && next.startsWith('/') && !next.startsWith('//') && !next.startsWith('/login')
    ? next
    : user.role === 'admin'
      ? '/admin'
      : '/dashboard';

/** `/login` (docs/screens.md): **Username**, **Password**, **Sign in**; failures in role="alert". */
export const LoginScreen = () => {
  const { t, i18n } = useTranslation('login');
  const session = useStaffSession();
  const state = useSessionState();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const next = params.get('next');
  const reason = params.get('reason');
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  /** When a locked account may try again, worked out when the answer arrived. */
  const [retryAt, setRetryAt] = useState<Date | null>(null);

  // Already signed in (or a refresh cookie still works): straight on.
  useEffect(() => {
    if (state.kind === 'unknown') void session.resume();
    if (state.kind === 'signed-in') void navigate(destination(next, state.user), { replace: true });
  }, [session, state, next, navigate]);

  const signIn = useMutation({
    mutationFn: () => session.login(username.trim(), password),
    onError: (err) => {
      setPassword('');
      setRetryAt(
        err instanceof ApiProblem && err.retryAfterSeconds !== null
          ? new Date(Date.now() + err.retryAfterSeconds * 1000)
          : null,
      );
    },
  });

  const submit = (event: FormEvent) => {
    event.preventDefault();
    signIn.mutate();
  };

  const error = signIn.error;
  const message =
    error === null
      ? null
      : error instanceof ApiProblem && error.code === 'ACCOUNT_LOCKED'
        ? retryAt !== null
          ? t('locked', {
              time: retryAt.toLocaleTimeString(i18n.language, {
                hour: '2-digit',
                minute: '2-digit',
              }),
            })
          : t('lockedSoon')
        : error instanceof ApiProblem && error.code === 'RATE_LIMITED'
          ? t('rateLimited')
          : error instanceof ApiProblem && error.status === 401
            ? t('wrong')
            : error instanceof NetworkError
              ? t('offline')
              : t('failed');

  return (
    <main className={`${ui.centered} ${styles.page}`}>
      <LanguageSwitch className={ui.corner} />
      <h1>{t('title')}</h1>
      {(reason === 'idle' || reason === 'expired') && message === null && (
        <p role="status" className={ui.warning}>
          {t(`reason.${reason}`)}
        </p>
      )}
      <form className={ui.form} onSubmit={submit}>
        <label className={ui.label}>
          {t('username')}
          <input
            className={ui.input}
            name="username"
            autoComplete="username"
            autoCapitalize="none"
            spellCheck={false}
            required
            value={username}
            onChange={(e) => setUsername(e.target.value)}
          />
        </label>
        <label className={ui.label}>
          {t('password')}
          <input
            className={ui.input}
            name="password"
            type="password"
            autoComplete="current-password"
            required
            value={password}
            onChange={(e) => setPassword(e.target.value)}
          />
        </label>
        {message !== null && (
          <p role="alert" className={ui.warning}>
            {message}
          </p>
        )}
        <button type="submit" className={ui.primary} disabled={signIn.isPending}>
          {signIn.isPending ? t('signingIn') : t('submit')}
        </button>
      </form>
    </main>
  );
};
