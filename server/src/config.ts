import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { isValidTimeZone } from './domain/ticket.js';

/**
 * `process.env`, parsed once at start-up. Production refuses an insecure setup; development
 * warns and fills in what a laptop lacks.
 */
const weakSecretWords = ['secret', 'changeme', 'default', 'example', 'password', 'placeholder'];

const optionalUrl = z
  .string()
  .trim()
  .transform((v) => (v === '' ? undefined : v))
  .optional();

const perMinute = (fallback: number) =>
  z.coerce.number().int().min(1).max(1_000_000).default(fallback);

const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  HOST: z.string().default('0.0.0.0'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  DATABASE_URL: optionalUrl,
  REDIS_URL: optionalUrl,
  DATA_DIR: z.string().default('./data'),
  JWT_SECRET: z.string().optional(),
  CLINIC_TIMEZONE: z
    .string()
    .default('UTC')
    .refine(isValidTimeZone, 'must be an IANA time zone such as Europe/Paris'),
  CORS_ORIGINS: z.string().default(''),
  METRICS_TOKEN: z.string().optional(),
  BACKUP_ENCRYPTION_KEY: z.string().optional(),
  RETENTION_DAYS: z.coerce.number().int().min(1).max(3650).default(30),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  TRUST_PROXY: z.string().default(''),
  DB_POOL_SIZE: z.coerce.number().int().min(1).max(100).default(8),
  RATE_LIMIT_GLOBAL_PER_MINUTE: perMinute(1200),
  RATE_LIMIT_LOGIN_PER_MINUTE: perMinute(30),
  RATE_LIMIT_CHECKIN_PER_MINUTE: perMinute(60),
});

export interface Config {
  readonly env: 'development' | 'production' | 'test';
  readonly host: string;
  readonly port: number;
  readonly databaseUrl: string | undefined;
  readonly redisUrl: string | undefined;
  readonly dataDir: string;
  readonly jwtSecret: string;
  readonly timeZone: string;
  readonly corsOrigins: readonly string[];
  readonly metricsToken: string | undefined;
  readonly backupEncryptionKey: string | undefined;
  readonly retentionDays: number;
  readonly logLevel: string;
  readonly trustProxy: readonly string[];
  readonly dbPoolSize: number;
  readonly rateLimits: {
    readonly globalPerMinute: number;
    readonly loginPerMinute: number;
    readonly checkinPerMinute: number;
  };
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

const generateHint =
  "generate one with: node -e \"console.log(require('crypto').randomBytes(48).toString('base64url'))\"";

const secretProblem = (secret: string | undefined): string | null => {
  if (secret === undefined || secret === '') return 'JWT_SECRET is not set';
  if (secret.length < 32) return 'JWT_SECRET is shorter than 32 characters';
  const lower = secret.toLowerCase();
  const word = weakSecretWords.find((w) => lower.includes(w));
  return word === undefined ? null : `JWT_SECRET contains the word "${word}"`;
};

const list = (v: string): string[] =>
  v
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');

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

  const secretIssue = secretProblem(e.JWT_SECRET);
  if (secretIssue !== null) flag(`${secretIssue}; ${generateHint}`);
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
      redisUrl: e.REDIS_URL,
      dataDir: e.DATA_DIR,
      // Development without a secret gets a random one: tokens then die with the process.
      jwtSecret:
        e.JWT_SECRET === undefined || e.JWT_SECRET === ''
          ? randomBytes(48).toString('base64url')
          : e.JWT_SECRET,
      timeZone: e.CLINIC_TIMEZONE,
      corsOrigins,
      metricsToken: e.METRICS_TOKEN,
      backupEncryptionKey: e.BACKUP_ENCRYPTION_KEY,
      retentionDays: e.RETENTION_DAYS,
      logLevel: e.LOG_LEVEL,
      trustProxy: list(e.TRUST_PROXY),
      dbPoolSize: e.DB_POOL_SIZE,
      rateLimits: {
        globalPerMinute: e.RATE_LIMIT_GLOBAL_PER_MINUTE,
        loginPerMinute: e.RATE_LIMIT_LOGIN_PER_MINUTE,
        checkinPerMinute: e.RATE_LIMIT_CHECKIN_PER_MINUTE,
      },
    },
  };
};
