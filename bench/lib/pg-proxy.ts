import net from 'node:net';

/**
 * A transparent TCP proxy in front of Postgres that reads the frontend → backend
 * protocol and counts round trips: each simple `Query` ('Q') and each extended-protocol
 * `Sync` ('S') is one request the client waits on. It also counts each statement's text
 * (from 'Q' and 'P'arse messages), so a probe can list what one check-in sends.
 * Plain-text connections only (no SSL), which is what the benchmark uses on 127.0.0.1.
 */
export interface ProxyCounts {
  roundTrips: number;
  statements: Map<string, number>;
}

const SSL_REQUEST = 80877103;
const GSS_REQUEST = 80877104;

const shape = (sql: string): string => {
  const flat = sql.replace(/\s+/g, ' ').trim();
  return flat.length > 90 ? `${flat.slice(0, 87)}…` : flat;
};

export const startCountingProxy = async (target: {
  host: string;
  port: number;
}): Promise<{ port: number; counts: ProxyCounts; reset(): void; close(): Promise<void> }> => {
  const counts: ProxyCounts = { roundTrips: 0, statements: new Map() };
  const sockets = new Set<net.Socket>();
  const note = (sql: string): void => {
    const key = shape(sql);
    counts.statements.set(key, (counts.statements.get(key) ?? 0) + 1);
  };

  const server = net.createServer((client) => {
    const upstream = net.connect(target.port, target.host);
    sockets.add(client);
    sockets.add(upstream);
    let buffer: Buffer = Buffer.alloc(0);
    let started = false;

    const parse = (): void => {
      for (;;) {
        if (!started) {
          if (buffer.length < 8) return;
          const len = buffer.readInt32BE(0);
          if (buffer.length < len) return;
          const code = buffer.readInt32BE(4);
          buffer = buffer.subarray(len);
          // An SSL/GSS request is followed by the real startup message.
          if (code !== SSL_REQUEST && code !== GSS_REQUEST) started = true;
          continue;
        }
        if (buffer.length < 5) return;
        const type = String.fromCharCode(buffer[0] ?? 0);
        const len = buffer.readInt32BE(1);
        if (buffer.length < 1 + len) return;
        const body = buffer.subarray(5, 1 + len);
        buffer = buffer.subarray(1 + len);
        if (type === 'Q') {
          counts.roundTrips += 1;
          note(body.subarray(0, body.indexOf(0)).toString('utf8'));
        } else if (type === 'S') {
          counts.roundTrips += 1;
        } else if (type === 'P') {
          const nameEnd = body.indexOf(0);
          const sqlEnd = body.indexOf(0, nameEnd + 1);
          note(body.subarray(nameEnd + 1, sqlEnd).toString('utf8'));
        }
      }
    };

    client.on('data', (chunk: Buffer) => {
      upstream.write(chunk);
      buffer = buffer.length === 0 ? chunk : Buffer.concat([buffer, chunk]);
      parse();
    });
    upstream.pipe(client);
    const end = (): void => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    client.on('close', end);
    upstream.on('close', end);
    client.on('error', end);
    upstream.on('error', end);
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  return {
    port,
    counts,
    reset: () => {
      counts.roundTrips = 0;
      counts.statements.clear();
    },
    close: () =>
      new Promise((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
};
