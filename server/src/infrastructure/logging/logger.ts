import { createRequire } from 'node:module';
import pino, { type DestinationStream, type Logger } from 'pino';
import type PinoPretty from 'pino-pretty';

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

/**
 * Pretty lines only for a person reading a terminal while developing; everything else
 * (production, CI, a pipe into a collector) gets one JSON object per line.
 */
export const wantsPrettyLogs = (env: string, stdoutIsTTY: boolean | undefined): boolean =>
  env === 'development' && stdoutIsTTY === true;

/**
 * Level, time, request id and message on one line. In-process and synchronous rather than
 * a transport: no worker thread to start (start-up time), and a line logged before the
 * first-admin question is on the screen before the question (cli/first-admin.ts).
 * Loaded only when wanted; production never loads it.
 */
const prettyStream = (): DestinationStream => {
  const pretty = createRequire(import.meta.url)('pino-pretty') as typeof PinoPretty;
  return pretty({
    sync: true,
    translateTime: 'SYS:HH:MM:ss.l',
    ignore: 'pid,hostname,reqId',
    messageFormat: '{if reqId}[{reqId}] {end}{msg}',
    singleLine: true,
  });
};

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
  };
  const stream = destination ?? (options.pretty === true ? prettyStream() : undefined);
  return stream === undefined ? pino(config) : pino(config, stream);
};
