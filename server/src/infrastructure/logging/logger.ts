import pino, { type DestinationStream, type Logger } from 'pino';

/**
 * Paths pino removes before a line is written: credentials, secrets and the patient's
 * name and phone, wherever they appear in a logged request, body or error.
 */
export const redactPaths = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-csrf-token"]',
  'req.headers["idempotency-key"]',
  'res.headers["set-cookie"]',
  '*.password',
  '*.currentPassword',
  '*.newPassword',
  '*.accessToken',
  '*.token',
  '*.ticket',
  '*.displayName',
  '*.phone',
  '*.patient',
  'patient',
  'password',
  'token',
];

export const createLogger = (
  options: { level: string; pretty?: boolean },
  destination?: DestinationStream,
): Logger => {
  const config = {
    level: options.level,
    redact: { paths: redactPaths, censor: '[redacted]' },
    // Query strings can carry stream tickets; log the path only.
    serializers: {
      req: (req: { method?: string; url?: string; id?: unknown }) => ({
        method: req.method,
        url: typeof req.url === 'string' ? req.url.split('?')[0] : undefined,
        id: req.id,
      }),
    },
    ...(options.pretty === true &&
      destination === undefined && {
        transport: {
          target: 'pino-pretty',
          options: { translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname' },
        },
      }),
  };
  return destination === undefined ? pino(config) : pino(config, destination);
};
