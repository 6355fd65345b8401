import http from 'node:http';
import { request } from '../http.js';

/** JSON call that must answer `expected`. */
export const api = async <T>(
  port: number,
  method: string,
  path: string,
  token: string | null,
  json: unknown,
  expected: number,
): Promise<T> => {
  const agent = new http.Agent({ keepAlive: false });
  try {
    const res = await request(agent, port, method, path, {
      headers: token === null ? {} : { authorization: `Bearer ${token}` },
      ...(json !== undefined && { json }),
    });
    if (res.status !== expected) {
      throw new Error(`${method} ${path}: ${res.status} ${res.text.slice(0, 300)}`);
    }
    return (res.text === '' ? undefined : JSON.parse(res.text)) as T;
  } finally {
    agent.destroy();
  }
};

export interface Clinic {
  readonly admin: string;
  readonly departments: { id: string; roomId: string; waiting: string[] }[];
  readonly board: { id: string; token: string };
  readonly kioskToken: string;
}

/**
 * `departments` departments with a room each and `waiting` patients spread over them,
 * one board that shows them all, one kiosk: the waiting room the board benchmark shows.
 */
export const setUpClinic = async (
  port: number,
  credentials: { username: string; password: string },
  departments: number,
  waiting: number,
): Promise<Clinic> => {
  const { accessToken: admin } = await api<{ accessToken: string }>(
    port,
    'POST',
    '/api/v1/auth/login',
    null,
    credentials,
    200,
  );
  const deps: Clinic['departments'] = [];
  for (let i = 0; i < departments; i += 1) {
    const code = `WB${String.fromCharCode(65 + i)}`;
    const { department } = await api<{ department: { id: string } }>(
      port,
      'POST',
      '/api/v1/admin/departments',
      admin,
      { code, name: `Department ${code}` },
      201,
    );
    const { room } = await api<{ room: { id: string } }>(
      port,
      'POST',
      `/api/v1/admin/departments/${department.id}/rooms`,
      admin,
      { name: `Room ${i + 1}` },
      201,
    );
    deps.push({ id: department.id, roomId: room.id, waiting: [] });
  }
  const ids = deps.map((d) => d.id);
  const kiosk = await api<{ token: string }>(
    port,
    'POST',
    '/api/v1/admin/kiosks',
    admin,
    { name: 'Bench kiosk', departmentIds: ids },
    201,
  );
  const board = await api<{ board: { id: string }; token: string }>(
    port,
    'POST',
    '/api/v1/admin/boards',
    admin,
    { name: 'Bench board', departmentIds: ids },
    201,
  );
  for (let n = 0; n < waiting; n += 1) {
    const dep = deps[n % deps.length] as Clinic['departments'][number];
    const agent = new http.Agent({ keepAlive: false });
    const res = await request(agent, port, 'POST', '/api/v1/checkins', {
      headers: { authorization: `Bearer ${kiosk.token}`, 'idempotency-key': `web-bench-${n}` },
      json: { departmentId: dep.id },
    });
    agent.destroy();
    if (res.status !== 201) throw new Error(`check-in: ${res.status} ${res.text}`);
    dep.waiting.push((JSON.parse(res.text) as { visit: { id: string } }).visit.id);
  }
  return {
    admin,
    departments: deps,
    board: { id: board.board.id, token: board.token },
    kioskToken: kiosk.token,
  };
};
