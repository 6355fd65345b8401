import pg from 'pg';

/**
 * The benchmark only ever creates or drops databases whose name says "bench": a wrong
 * BENCH_DATABASE_URL must not be able to destroy a real one.
 */
export const assertBenchName = (name: string): string => {
  if (!/^[a-z0-9_]*bench[a-z0-9_]*$/.test(name)) {
    throw new Error(`Refusing to touch database "${name}": its name must contain "bench"`);
  }
  return name;
};

/** The same server and credentials as `base`, another database. */
export const databaseUrl = (base: string, name: string): string => {
  const url = new URL(base);
  url.pathname = `/${name}`;
  return url.toString();
};

export const databaseName = (url: string): string =>
  decodeURIComponent(new URL(url).pathname.replace(/^\//, '')) || 'postgres';

export const withClient = async <T>(
  url: string,
  work: (c: pg.Client) => Promise<T>,
): Promise<T> => {
  const client = new pg.Client({ connectionString: url, application_name: 'mediqueue-bench' });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
};

export const dropDatabase = (adminUrl: string, name: string): Promise<void> =>
  withClient(adminUrl, async (c) => {
    await c.query(`DROP DATABASE IF EXISTS "${assertBenchName(name)}" WITH (FORCE)`);
  });

export const recreateDatabase = async (adminUrl: string, name: string): Promise<void> => {
  await dropDatabase(adminUrl, name);
  await withClient(adminUrl, async (c) => {
    await c.query(`CREATE DATABASE "${assertBenchName(name)}"`);
  });
};

/** Start each measured phase without the previous phase's dirty pages to write back. */
export const checkpoint = (adminUrl: string): Promise<void> =>
  withClient(adminUrl, async (c) => {
    await c.query('CHECKPOINT');
  });
