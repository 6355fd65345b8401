import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import {
  hasZodFastifySchemaValidationErrors,
  isResponseSerializationError,
} from 'fastify-type-provider-zod';
import { isDomainError, type DomainErrorCode } from '../../domain/errors.js';

/** Codes only the HTTP layer produces (the transport refused the request). */
type HttpOnlyCode = 'PAYLOAD_TOO_LARGE' | 'UNSUPPORTED_MEDIA_TYPE' | 'INTERNAL';
export type ProblemCode = DomainErrorCode | HttpOnlyCode;

/**
 * Every problem code's status and title. `satisfies Record<ProblemCode, …>` makes a new
 * domain error code without a status a compile error.
 */
export const problemTable = {
  VALIDATION_FAILED: [400, 'Validation failed'],
  UNAUTHENTICATED: [401, 'Authentication required'],
  INVALID_CREDENTIALS: [401, 'Invalid credentials'],
  FORBIDDEN: [403, 'Forbidden'],
  NOT_FOUND: [404, 'Not found'],
  ALREADY_EXISTS: [409, 'Already exists'],
  VERSION_CONFLICT: [409, 'Version conflict'],
  QUEUE_EMPTY: [409, 'Queue empty'],
  IDEMPOTENCY_IN_PROGRESS: [409, 'Request in progress'],
  PAYLOAD_TOO_LARGE: [413, 'Payload too large'],
  UNSUPPORTED_MEDIA_TYPE: [415, 'Unsupported media type'],
  INVALID_TRANSITION: [422, 'Invalid transition'],
  IDEMPOTENCY_KEY_REUSED: [422, 'Idempotency key reused'],
  RATE_LIMITED: [429, 'Too many requests'],
  ACCOUNT_LOCKED: [429, 'Account locked'],
  UNAVAILABLE: [503, 'Service unavailable'],
  INTERNAL: [500, 'Internal error'],
} as const satisfies Record<ProblemCode, readonly [number, string]>;

export interface ProblemBody {
  type: string;
  title: string;
  status: number;
  code: ProblemCode;
  detail: string;
  requestId: string;
  errors?: { path: string; message: string }[];
  [extra: string]: unknown;
}

export const problem = (
  code: ProblemCode,
  detail: string,
  requestId: string,
  extra: Record<string, unknown> = {},
): ProblemBody => {
  const [status, title] = problemTable[code];
  const type = `urn:mediqueue:problem:${code.toLowerCase().replace(/_/g, '-')}`;
  return { type, title, status, code, detail, requestId, ...extra };
};

export const sendProblem = (reply: FastifyReply, body: ProblemBody): FastifyReply => {
  if (body.code === 'IDEMPOTENCY_IN_PROGRESS') void reply.header('retry-after', '1');
  if (body.code === 'UNAVAILABLE') void reply.header('retry-after', '5');
  if (typeof body.retryAfterSeconds === 'number')
    void reply.header('retry-after', String(body.retryAfterSeconds));
  return reply
    .status(body.status)
    .type('application/problem+json')
    .serializer(JSON.stringify)
    .send(body);
};

/** Fastify's own 4xx errors (parsing, limits, content types) in our vocabulary. */
const transportCode = (err: FastifyError): ProblemCode | null => {
  switch (err.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return 'PAYLOAD_TOO_LARGE';
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return 'UNSUPPORTED_MEDIA_TYPE';
    default:
      break;
  }
  const status = err.statusCode ?? 500;
  if (status === 413) return 'PAYLOAD_TOO_LARGE';
  if (status === 415) return 'UNSUPPORTED_MEDIA_TYPE';
  if (status === 401) return 'UNAUTHENTICATED';
  if (status === 403) return 'FORBIDDEN';
  if (status === 404) return 'NOT_FOUND';
  if (status === 429) return 'RATE_LIMITED';
  if (status >= 400 && status < 500) return 'VALIDATION_FAILED';
  return null;
};

/** The transport's message is safe to show for parse errors; never for anything else. */
const transportDetail = (code: ProblemCode, err: FastifyError): string => {
  switch (code) {
    case 'PAYLOAD_TOO_LARGE':
      return 'The request body is larger than 64 KiB';
    case 'UNSUPPORTED_MEDIA_TYPE':
      return 'Send the body as application/json';
    case 'FORBIDDEN':
      return err.code.startsWith('FST_CSRF') ? 'Missing or wrong X-CSRF-Token' : 'Forbidden';
    case 'VALIDATION_FAILED':
      if (err.code === 'FST_ERR_CTP_INVALID_JSON_BODY') return 'The body is not valid JSON';
      if (err.code === 'FST_ERR_CTP_EMPTY_JSON_BODY')
        return 'The body is empty; send a JSON object';
      return 'The request is malformed';
    default:
      return problemTable[code][1];
  }
};

const validationErrors = (err: unknown): { path: string; message: string }[] => {
  if (!hasZodFastifySchemaValidationErrors(err)) return [];
  return err.validation.map((v) => {
    const where = v.instancePath.replace(/^\//, '').replace(/\//g, '.');
    const context = err.validationContext ?? 'body';
    return {
      path: where === '' ? context : `${context}.${where}`,
      message: v.message ?? 'invalid',
    };
  });
};

/**
 * `notFoundPage`, when the web app is served: answers a GET for a page the app does not
 * know (the app shows its "not found" screen). API, health and docs paths always get a
 * problem document.
 */
export const installErrorHandling = (
  app: FastifyInstance,
  notFoundPage?: (reply: FastifyReply) => FastifyReply,
): void => {
  app.setErrorHandler((err: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
    const id = String(request.id);
    if (isDomainError(err)) {
      const { field, ...details } = err.details;
      const extra: Record<string, unknown> = { ...details };
      if (typeof field === 'string') extra.errors = [{ path: field, message: err.message }];
      return sendProblem(reply, problem(err.code, err.message, id, extra));
    }
    if (hasZodFastifySchemaValidationErrors(err)) {
      const errors = validationErrors(err);
      const detail = errors.map((e) => `${e.path}: ${e.message}`).join('; ');
      return sendProblem(reply, problem('VALIDATION_FAILED', detail, id, { errors }));
    }
    if (!isResponseSerializationError(err)) {
      const code = transportCode(err);
      if (code !== null) {
        request.log.info({ code: err.code }, 'request refused by the transport');
        const detail = transportDetail(code, err);
        // docs/api.md: validation errors carry `errors`; a body that does not parse is the body's.
        const extra =
          code === 'VALIDATION_FAILED' ? { errors: [{ path: 'body', message: detail }] } : {};
        return sendProblem(reply, problem(code, detail, id, extra));
      }
    }
    request.log.error({ err }, 'unhandled error');
    return sendProblem(
      reply,
      problem('INTERNAL', 'Something went wrong on our side; it has been logged', id),
    );
  });

  app.setNotFoundHandler((request, reply) =>
    notFoundPage !== undefined && isPageRequest(request)
      ? notFoundPage(reply.status(404))
      : sendProblem(
          reply,
          problem(
            'NOT_FOUND',
            `No route for ${request.method} ${request.url.split('?')[0] ?? ''}`,
            String(request.id),
          ),
        ),
  );
};

/** Paths that belong to the API and operations, never to the web app. */
const apiPrefixes = ['/api/', '/api?', '/health', '/metrics', '/docs', '/openapi.json'];

const isPageRequest = (request: FastifyRequest): boolean => {
  const url = request.url;
  return (
    (request.method === 'GET' || request.method === 'HEAD') &&
    url !== '/api' &&
    !apiPrefixes.some((prefix) => url.startsWith(prefix))
  );
};
