import { describe, expect, it } from 'vitest';
import type { Actor } from '../../domain/actor.js';
import type { Credentials } from '../credentials.js';
import { makeStreamGuard } from './stream-guard.js';

/** Which open streams each control change ends — and which it leaves alone. */
const [X, Y] = ['00000000-0000-4000-8000-00000000000a', '00000000-0000-4000-8000-00000000000b'];
const staff = (id: string, sessionId: string, role: 'admin' | 'doctor', deps: string[]): Actor => ({
  type: 'staff',
  id,
  role,
  departmentIds: deps,
  sessionId,
});
const board: Actor = { type: 'board', id: 'board-1', departmentIds: [X] };

const setUp = (current: (a: Actor) => Actor | null = (a) => a) => {
  const credentials = { current: async (a: Actor) => current(a) } as unknown as Credentials;
  const guard = makeStreamGuard({
    credentials,
    onError: (err) => {
      throw err;
    },
  });
  const ended = new Set<string>();
  const open = (name: string, actor: Actor, departmentId: string | null) =>
    guard.admit({ actor, departmentId, stream: { end: () => ended.add(name) } });
  open('u1-s1-X', staff('u1', 's1', 'doctor', [X, Y]), X);
  open('u1-s1-Y', staff('u1', 's1', 'doctor', [X, Y]), Y);
  open('u1-s2-X', staff('u1', 's2', 'doctor', [X, Y]), X);
  open('u2-s3-X', staff('u2', 's3', 'admin', []), X);
  open('board', board, null);
  return { guard, ended };
};

describe('stream guard', () => {
  it('a revoked session ends its streams only', () => {
    const { guard, ended } = setUp();
    guard.apply({ kind: 'session_revoked', sessionId: 's1' });
    expect([...ended].sort()).toEqual(['u1-s1-X', 'u1-s1-Y']);
  });

  it('a password change ends the other sessions of that user', () => {
    const { guard, ended } = setUp();
    guard.apply({ kind: 'user_sessions_revoked', userId: 'u1', exceptSessionId: 's2' });
    expect([...ended].sort()).toEqual(['u1-s1-X', 'u1-s1-Y']);
  });

  it('a department taken away ends that department’s streams; deactivation ends all', () => {
    const { guard, ended } = setUp();
    const change = {
      kind: 'user_changed',
      userId: 'u1',
      role: 'doctor',
      sessionsRevoked: false,
    } as const;
    guard.apply({ ...change, active: true, departmentIds: [Y] });
    expect([...ended].sort()).toEqual(['u1-s1-X', 'u1-s2-X']);
    guard.apply({ ...change, active: false, departmentIds: [Y] });
    expect([...ended].sort()).toEqual(['u1-s1-X', 'u1-s1-Y', 'u1-s2-X']);
  });

  it('an admin made doctor keeps only the departments it now has', () => {
    const { guard, ended } = setUp();
    guard.apply({
      kind: 'user_changed',
      userId: 'u2',
      active: true,
      role: 'doctor',
      departmentIds: [Y],
      sessionsRevoked: false,
    });
    expect([...ended]).toEqual(['u2-s3-X']);
  });

  it('a board given other departments, or revoked, loses its stream; the same departments do not', () => {
    const { guard, ended } = setUp();
    guard.apply({ kind: 'device_changed', deviceId: 'board-1', active: true, departmentIds: [X] });
    expect([...ended]).toEqual([]);
    guard.apply({
      kind: 'device_changed',
      deviceId: 'board-1',
      active: true,
      departmentIds: [X, Y],
    });
    expect([...ended]).toEqual(['board']);
  });

  it('the recheck ends what the credential store no longer vouches for', async () => {
    const { guard, ended } = setUp((a) => (a.type === 'staff' && a.sessionId === 's2' ? null : a));
    guard.recheck();
    await new Promise((r) => setImmediate(r));
    expect([...ended]).toEqual(['u1-s2-X']);
  });
});
