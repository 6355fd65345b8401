import { randomBytes } from 'node:crypto';
import { isIP } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { isValidTimeZone } from './domain/ticket.js';

/**
 * `process.env`, parsed once at start-up. Production refuses an insecure setup; development
 * warns and fills in what a laptop lacks.
 */
export const weakSecretWords = [
  'secret',
  'changeme',
  'default',
  'example',
  'password',
  'placeholder',
];

const optionalUrl = z
  .string()
  .trim()
  .transform((v) => (v === '' ? undefined : v))
  .optional();

const perMinute = (fallback: number) =>
  z.coerce.number().int().min(1).max(1_000_000).default(fallback);

const list = (v: string): string[] =>
  v
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');

/**
 * What Fastify's trustProxy (proxy-addr) accepts: an address, `address/prefix`,
 * `address/netmask`, or one of its named ranges. Checked here so a typo names the variable
 * instead of failing inside Fastify.
 */
const isProxyAddress = (entry: string): boolean => {
  if (['loopback', 'linklocal', 'uniquelocal'].includes(entry)) return true;
  const [address = '', range, ...rest] = entry.split('/');
  const family = isIP(address);
  if (family === 0 || rest.length > 0) return false;
  if (range === undefined) return true;
  if (/^\d{1,3}$/.test(range)) return Number(range) <= (family === 4 ? 32 : 128);
  return family === 4 && isIP(range) === 4;
};

const onOff = (fallback: 'on' | 'off') =>
  z
    .enum(['on', 'off', 'true', 'false', '1', '0'])
    .default(fallback)
    .transform((v) => v === 'on' || v === 'true' || v === '1');

const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  HOST: z.string().default('0.0.0.0'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  DATABASE_URL: optionalUrl,
  // The owner's URL, for migrations only; DATABASE_URL is then the application's own role.
  DATABASE_MIGRATION_URL: optionalUrl,
  REDIS_URL: optionalUrl,
  DATA_DIR: z.string().default('./data'),
  JWT_SECRET: z.string().optional(),
  // During a rotation: the secret being retired, still accepted, never used to sign.
  JWT_SECRET_PREVIOUS: z
    .string()
    .transform((v) => (v === '' ? undefined : v))
    .optional(),
  CLINIC_TIMEZONE: z
    .string()
    .default('UTC')
    .refine(isValidTimeZone, 'must be an IANA time zone such as Europe/Paris'),
  CORS_ORIGINS: z.string().default(''),
  METRICS_TOKEN: z.string().optional(),
  BACKUP_ENCRYPTION_KEY: z.string().optional(),
  // Backups `npm run backup -- --dir` keeps (docs/operations.md, "Backup and restore").
  BACKUP_KEEP: z.coerce.number().int().min(1).max(10_000).default(14),
  RETENTION_DAYS: z.coerce.number().int().min(1).max(3650).default(30),
  // A shift by default; at most 30 days (a login that outlives that is not a session).
  SESSION_MAX_HOURS: z.coerce
    .number()
    .int('must be a whole number of hours')
    .min(1)
    .max(720)
    .default(12),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  TRUST_PROXY: z
    .string()
    .default('')
    .refine(
      (v) => list(v).every(isProxyAddress),
      'must list IP addresses or CIDR ranges (e.g. 172.30.255.0/28), comma-separated',
    ),
  DB_POOL_SIZE: z.coerce.number().int().min(1).max(100).default(8),
  // Check-in throughput (ADR 10): both on by default; off is for diagnosis, or (prepared
  // statements) a connection pooler that cannot keep them.
  CHECKIN_GROUP_COMMIT: onOff('on'),
  DB_PREPARED_STATEMENTS: onOff('on'),
  // Server processes on this machine (node:cluster); more than 1 needs Postgres and Redis.
  WEB_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(1),
  RATE_LIMIT_GLOBAL_PER_MINUTE: perMinute(1200),
  RATE_LIMIT_LOGIN_PER_MINUTE: perMinute(30),
  RATE_LIMIT_CHECKIN_PER_MINUTE: perMinute(60),
});

export interface Config {
  readonly env: 'development' | 'production' | 'test';
  readonly host: string;
  readonly port: number;
  readonly databaseUrl: string | undefined;
  /**
   * Who runs migrations (the schema's owner): DATABASE_MIGRATION_URL, else DATABASE_URL.
   * When it differs, migrations also create DATABASE_URL's role and set its grants (ADR 8).
   */
  readonly databaseMigrationUrl: string | undefined;
  readonly redisUrl: string | undefined;
  readonly dataDir: string;
  readonly jwtSecret: string;
  /** JWT_SECRET_PREVIOUS: verifies access tokens signed before a rotation; signs nothing. */
  readonly jwtPreviousSecret: string | undefined;
  readonly timeZone: string;
  readonly corsOrigins: readonly string[];
  readonly metricsToken: string | undefined;
  readonly backupEncryptionKey: string | undefined;
  readonly backupKeep: number;
  readonly retentionDays: number;
  /** A login's absolute lifetime, whatever its use (refresh-token families end then). */
  readonly sessionMaxHours: number;
  readonly logLevel: string;
  readonly trustProxy: readonly string[];
  readonly dbPoolSize: number;
  /** Check-ins of one department committed together (Postgres only; ADR 10). */
  readonly checkInGroupCommit: boolean;
  /** Hot statements as named prepared statements (Postgres only). */
  readonly dbPreparedStatements: boolean;
  /** WEB_CONCURRENCY: processes to run (cluster.ts); each has its own pool of dbPoolSize. */
  readonly webConcurrency: number;
  readonly rateLimits: {
    readonly globalPerMinute: number;
    readonly loginPerMinute: number;
    readonly checkinPerMinute: number;
  };
}

/** The repository root (/app in the Docker image): this file is in server/src or server/dist. */
const appRoot = fileURLToPath(new URL('../..', import.meta.url));

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

const generateHint =
  "generate one with: node -e \"console.log(require('crypto').randomBytes(48).toString('base64url'))\"";

const secretProblem = (secret: string | undefined, name = 'JWT_SECRET'): string | null => {
  if (secret === undefined || secret === '') return `${name} is not set`;
  if (secret.length < 32) return `${name} is shorter than 32 characters`;
  const lower = secret.toLowerCase();
  const word = weakSecretWords.find((w) => lower.includes(w));
  return word === undefined ? null : `${name} contains the word "${word}"`;
};

export const loadConfig = (env: NodeJS.ProcessEnv): { config: Config; warnings: string[] } => {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  const production = e.NODE_ENV === 'production';
  const problems: string[] = [];
  const warnings: string[] = [];
  const flag = (message: string): void => {
    (production ? problems : warnings).push(message);
  };

  if (e.DATABASE_MIGRATION_URL !== undefined && e.DATABASE_URL === undefined) {
    throw new ConfigError(
      'Invalid configuration:\n  DATABASE_MIGRATION_URL is set but DATABASE_URL is not: set DATABASE_URL ' +
        "to the application role's URL (DATABASE_MIGRATION_URL is the owner's, for migrations)",
    );
  }
  const secretIssue = secretProblem(e.JWT_SECRET);
  if (secretIssue !== null) flag(`${secretIssue}; ${generateHint}`);
  const previous = e.JWT_SECRET_PREVIOUS;
  if (previous !== undefined) {
    // A weak old secret stays forgeable for as long as it is accepted.
    const previousIssue = secretProblem(previous, 'JWT_SECRET_PREVIOUS');
    if (previousIssue !== null) flag(previousIssue);
    else if (previous === e.JWT_SECRET) {
      flag('JWT_SECRET_PREVIOUS equals JWT_SECRET: set JWT_SECRET to the new secret');
    } else {
      warnings.push(
        'JWT_SECRET_PREVIOUS is set: access tokens signed with it are still accepted. Remove it ' +
          '15 minutes after every instance runs with the new JWT_SECRET (docs/operations.md).',
      );
    }
  }
  if (e.DATABASE_URL === undefined)
    flag('DATABASE_URL is not set (embedded PGlite is for a single small instance)');
  if (e.REDIS_URL === undefined)
    flag('REDIS_URL is not set (in-process events and guards work for one instance only)');
  const corsOrigins = list(e.CORS_ORIGINS);
  if (corsOrigins.includes('*')) flag('CORS_ORIGINS must list origins, not "*"');
  if (production && (e.METRICS_TOKEN === undefined || e.METRICS_TOKEN.length < 16)) {
    problems.push(`METRICS_TOKEN must be set to at least 16 characters; ${generateHint}`);
  }
  if (problems.length > 0) {
    throw new ConfigError(
      `Refusing to start in production:\n${problems.map((p) => `  - ${p}`).join('\n')}`,
    );
  }

  return {
    warnings,
    config: {
      env: e.NODE_ENV,
      host: e.HOST,
      port: e.PORT,
      databaseUrl: e.DATABASE_URL,
      databaseMigrationUrl: e.DATABASE_MIGRATION_URL ?? e.DATABASE_URL,
      redisUrl: e.REDIS_URL,
      // From the repository root, not the working directory: `npm start` runs at the root
      // and `npm run admin:create` in server/ (an npm workspace); both must find ./data.
      dataDir: path.resolve(appRoot, e.DATA_DIR),
      // Development without a secret gets a random one: tokens then die with the process.
      jwtSecret:
        e.JWT_SECRET === undefined || e.JWT_SECRET === ''
          ? randomBytes(48).toString('base64url')
          : e.JWT_SECRET,
      jwtPreviousSecret: e.JWT_SECRET_PREVIOUS,
      timeZone: e.CLINIC_TIMEZONE,
      corsOrigins,
      metricsToken: e.METRICS_TOKEN,
      backupEncryptionKey: e.BACKUP_ENCRYPTION_KEY,
      backupKeep: e.BACKUP_KEEP,
      retentionDays: e.RETENTION_DAYS,
      sessionMaxHours: e.SESSION_MAX_HOURS,
      logLevel: e.LOG_LEVEL,
      trustProxy: list(e.TRUST_PROXY),
      dbPoolSize: e.DB_POOL_SIZE,
      checkInGroupCommit: e.CHECKIN_GROUP_COMMIT,
      dbPreparedStatements: e.DB_PREPARED_STATEMENTS,
      webConcurrency: e.WEB_CONCURRENCY,
      rateLimits: {
        globalPerMinute: e.RATE_LIMIT_GLOBAL_PER_MINUTE,
        loginPerMinute: e.RATE_LIMIT_LOGIN_PER_MINUTE,
        checkinPerMinute: e.RATE_LIMIT_CHECKIN_PER_MINUTE,
      },
    },
  };
};
