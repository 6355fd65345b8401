// Type-aware lint for the benchmarks, run by `npm run lint -w server` (`eslint . ../bench`;
// ESLint takes each file's nearest config, so bench/ keeps its own). Type information comes
// from server/tsconfig.json, which includes ../bench: the program the benchmarks are
// type-checked in. The rules are the server's, without its Fastify-specific relaxations
// (`require-await`, `no-misused-promises` on arguments), which the benchmarks do not need.
import { defineConfig, globalIgnores } from 'eslint/config';
import tseslint from 'typescript-eslint';

export default defineConfig(globalIgnores(['results/', 'node_modules/']), {
  files: ['**/*.ts'],
  extends: [tseslint.configs.recommended, tseslint.configs.recommendedTypeChecked],
  languageOptions: {
    parserOptions: {
      project: ['../server/tsconfig.json'],
      tsconfigRootDir: import.meta.dirname,
    },
  },
  linterOptions: {
    reportUnusedDisableDirectives: 'error',
  },
  rules: {
    '@typescript-eslint/no-floating-promises': 'error',
    '@typescript-eslint/switch-exhaustiveness-check': [
      'error',
      { considerDefaultExhaustiveForUnions: true },
    ],
    '@typescript-eslint/no-unused-vars': [
      'error',
      { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_' },
    ],
  },
});
