/**
 * SPEC: at least 12 characters with upper, lower, digit and symbol, and not the username.
 * Returns the reasons a password fails, empty when it passes.
 */
export const passwordProblems = (password: string, username: string): string[] => {
  const problems: string[] = [];
  if ([...password].length < 12) problems.push('must be at least 12 characters');
  if (!/\p{Lu}/u.test(password)) problems.push('must contain an upper-case letter');
  if (!/\p{Ll}/u.test(password)) problems.push('must contain a lower-case letter');
  if (!/\p{Nd}/u.test(password)) problems.push('must contain a digit');
  if (!/[^\p{L}\p{Nd}\s]/u.test(password)) problems.push('must contain a symbol');
  const lower = password.toLowerCase();
  const user = username.toLowerCase();
  if (user.length > 0 && (lower === user || lower.includes(user))) {
    problems.push('must not contain the username');
  }
  return problems;
};
