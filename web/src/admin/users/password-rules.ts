// The server's own policy function (SPEC "Security"), imported rather than copied, the
// way shared/api/contracts.ts imports the server's contracts: one rule, two places.
import { passwordProblems } from '../../../../server/src/domain/password-policy';

export const passwordRules = ['length', 'upper', 'lower', 'digit', 'symbol', 'username'] as const;
export type PasswordRule = (typeof passwordRules)[number];

/**
 * passwordProblems() answers in English sentences; each is one rule, shown translated.
 * password-rules.test.ts fails if the server rewords one, so none goes unshown.
 */
const ruleOf: Record<string, PasswordRule> = {
  'must be at least 12 characters': 'length',
  'must contain an upper-case letter': 'upper',
  'must contain a lower-case letter': 'lower',
  'must contain a digit': 'digit',
  'must contain a symbol': 'symbol',
  'must not contain the username': 'username',
};

export interface PasswordCheck {
  /** The rules this password breaks. */
  readonly failing: ReadonlySet<PasswordRule>;
  /** Problems the policy reports that no rule here knows (shown as the server words them). */
  readonly other: readonly string[];
  readonly ok: boolean;
}

export const checkPassword = (password: string, username: string): PasswordCheck => {
  const problems = passwordProblems(password, username);
  const failing = new Set<PasswordRule>();
  const other: string[] = [];
  for (const problem of problems) {
    const rule = ruleOf[problem];
    if (rule === undefined) other.push(problem);
    else failing.add(rule);
  }
  return { failing, other, ok: problems.length === 0 };
};
