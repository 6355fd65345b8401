import { useTranslation } from 'react-i18next';
import { ApiProblem, NetworkError } from '../../shared/api/problem';
import styles from './common.module.css';

/** The translated headline for a failure: what happened, in plain words. */
const headline = (error: unknown): string => {
  if (error instanceof NetworkError) return 'problem.offline';
  if (!(error instanceof ApiProblem)) return 'problem.unknown';
  switch (error.code) {
    case 'VALIDATION_FAILED':
      return 'problem.validation';
    case 'ALREADY_EXISTS':
      return 'problem.exists';
    case 'NOT_FOUND':
      return 'problem.notFound';
    case 'FORBIDDEN':
      return 'problem.forbidden';
    case 'UNAUTHENTICATED':
      return 'problem.signedOut';
    case 'RATE_LIMITED':
      return 'problem.rateLimited';
    default:
      return error.status >= 500 ? 'problem.server' : 'problem.refused';
  }
};

/**
 * A request that failed, said plainly in `role="alert"`: a translated headline, then the
 * server's own words (its `detail`, or each `errors` entry), which are English and marked
 * so for screen readers. Nothing is rendered while there is no error.
 */
export const ProblemAlert = ({ error }: { readonly error: unknown }) => {
  const { t } = useTranslation('admin');
  if (error === null || error === undefined) return null;
  const problem = error instanceof ApiProblem ? error.problem : null;
  const errors = problem?.errors ?? [];
  return (
    <div role="alert" className={styles.problem}>
      <p className={styles.problemTitle}>{t(headline(error))}</p>
      {errors.length > 0 ? (
        <ul lang="en">
          {errors.map((e) => (
            <li key={`${e.path}:${e.message}`}>{`${fieldOf(e.path)}: ${e.message}`}</li>
          ))}
        </ul>
      ) : (
        problem?.detail !== undefined && <p lang="en">{problem.detail}</p>
      )}
      {problem?.requestId !== undefined && (problem.status ?? 0) >= 500 && (
        <p className={styles.reference}>{t('problem.reference', { id: problem.requestId })}</p>
      )}
    </div>
  );
};

/** `body.username` → `username`: the field, as the form's label names it. */
export const fieldOf = (path: string): string => path.replace(/^(body|querystring|params)\./, '');

/** The server's messages about one field (for aria-invalid on that input). */
export const fieldProblems = (error: unknown, field: string): string[] =>
  error instanceof ApiProblem
    ? (error.problem.errors ?? []).filter((e) => fieldOf(e.path) === field).map((e) => e.message)
    : [];
