import createClient, { type Client, type Middleware } from 'openapi-fetch';
import { ApiProblem, NetworkError } from './problem';
import type { paths } from './schema';

export type Api = Client<paths>;

export interface ApiAuth {
  /** The bearer credential to send: a device token or a staff access token. */
  token(): string | null;
}

/**
 * The typed API client: paths, parameters, bodies and answers are checked against the
 * server's OpenAPI document at compile time (`paths` is generated from it).
 */
export const makeApi = (auth?: ApiAuth, fetchImpl?: typeof fetch): Api => {
  const client = createClient<paths>({
    baseUrl: '',
    credentials: 'same-origin',
    ...(fetchImpl !== undefined && { fetch: fetchImpl }),
  });
  if (auth !== undefined) {
    const bearer: Middleware = {
      onRequest: ({ request }) => {
        const token = auth.token();
        if (token !== null) request.headers.set('authorization', `Bearer ${token}`);
        return request;
      },
    };
    client.use(bearer);
  }
  return client;
};

interface FetchResult<T> {
  data?: T;
  error?: unknown;
  response: Response;
}

const retryAfter = (response: Response): number | null => {
  const value = Number(response.headers.get('retry-after'));
  return Number.isFinite(value) && value > 0 ? value : null;
};

/**
 * Awaits an openapi-fetch call and returns its data, or throws: an `ApiProblem` for an
 * error answer, a `NetworkError` when no answer came at all.
 */
export const unwrap = async <T>(call: Promise<FetchResult<T>>): Promise<T> => {
  let result: FetchResult<T>;
  try {
    result = await call;
  } catch (err) {
    throw new NetworkError(err);
  }
  const { response } = result;
  if (!response.ok) {
    const body = typeof result.error === 'object' && result.error !== null ? result.error : {};
    throw new ApiProblem(response.status, body, retryAfter(response));
  }
  return result.data as T;
};
