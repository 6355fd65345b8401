// Layer rules for server/src (house style, "Layers"). Paths are relative to server/.
// Type-only imports count too (tsPreCompilationDeps), so `import type` cannot cross a layer.

// npm packages that only the outer layers may touch. Matches the package itself and its
// @types/ package, wherever npm workspaces hoisted node_modules.
const INFRA_PACKAGES =
  '(^|/)node_modules/(@types/)?(fastify[^/]*|@fastify/[^/]+|kysely[^/]*|pg|pg-[^/]+|ioredis|pino[^/]*|@electric-sql/[^/]+|argon2)/';

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'Circular imports hide the real direction of dependencies.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'not-to-unresolvable',
      severity: 'error',
      comment: 'An import that cannot be resolved cannot be checked against the layer rules.',
      from: {},
      to: { couldNotResolve: true },
    },
    {
      name: 'domain-is-pure',
      severity: 'error',
      comment: 'domain/ imports only domain/: no npm packages, no node: builtins.',
      from: { path: '^src/domain/' },
      to: { pathNot: '^src/domain/' },
    },
    {
      name: 'application-only-domain',
      severity: 'error',
      comment: 'application/ imports only domain/ and application/: no npm packages, no builtins.',
      from: { path: '^src/application/' },
      to: { pathNot: '^src/(domain|application)/' },
    },
    {
      name: 'contracts-only-zod-and-domain',
      severity: 'error',
      comment: 'contracts/ is shared with the web app: it may import only zod and domain/.',
      from: { path: '^src/contracts/' },
      to: { pathNot: ['^src/(domain|contracts)/', '(^|/)node_modules/zod/'] },
    },
    {
      name: 'infrastructure-not-to-outer',
      severity: 'error',
      comment: 'infrastructure/ must not reach into presentation/, cli/ or the composition root.',
      from: { path: '^src/infrastructure/' },
      to: { path: ['^src/presentation/', '^src/cli/', '^src/main\\.ts$'] },
    },
    {
      name: 'presentation-not-to-outer',
      severity: 'error',
      comment: 'presentation/ gets adapters through buildApp(deps), never by importing them.',
      from: { path: '^src/presentation/' },
      to: { path: ['^src/infrastructure/', '^src/cli/', '^src/main\\.ts$'] },
    },
    {
      name: 'nothing-imports-main',
      severity: 'error',
      comment: 'main.ts is the composition root; nothing depends on it.',
      from: {},
      to: { path: '^src/main\\.ts$' },
    },
    {
      name: 'nothing-imports-cli',
      severity: 'error',
      comment:
        'cli/ holds entry points; only other cli/ files and the composition root main.ts ' +
        '(npm start asks for the first admin as admin:create does) may share code with them.',
      from: { pathNot: ['^src/cli/', '^src/main\\.ts$'] },
      to: { path: '^src/cli/' },
    },
    {
      name: 'infra-packages-only-in-outer-layers',
      severity: 'error',
      comment:
        'fastify, kysely, pg, ioredis, pino, pglite and argon2 belong to infrastructure/, ' +
        'presentation/, cli/ and the composition root (main.ts, compose.ts, config.ts, cluster.ts) only.',
      from: {
        pathNot: [
          '^src/(infrastructure|presentation|cli)/',
          '^src/(main|compose|config|cluster)\\.ts$',
        ],
      },
      to: { path: INFRA_PACKAGES },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    // Unit tests sit beside the code but are not part of its layer (they import vitest).
    exclude: { path: '\\.test\\.ts$' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    // ESM sources import './x.js'; dependency-cruiser maps those to the .ts file.
    enhancedResolveOptions: {
      extensions: ['.ts', '.d.ts', '.js'],
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'types', 'default'],
      mainFields: ['module', 'main', 'types', 'typings'],
    },
    reporterOptions: {
      text: { highlightFocused: true },
    },
  },
};
