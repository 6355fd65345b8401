import { describe, expect, it } from 'vitest';
import { makeCredentials, CREDENTIAL_TTL_MS } from './credentials.js';
import type { StaffUser } from '../domain/staff-user.js';
import type { Transactor } from './ports.js';

/** The credential cache: kept a few seconds, forgotten on every change, never a refusal. */
const user = (active = true): StaffUser => ({
  id: 'u1',
  username: 'u1',
  role: 'doctor',
  active,
  departmentIds: [],
  passwordChangedAt: new Date(0),
});

const setUp = () => {
  let lookups = 0;
  let answer: StaffUser | null = user();
  let release: (() => void) | null = null;
  let gate: Promise<void> | null = null;
  const tx = {
    autocommit: async (work: (s: unknown) => Promise<unknown>) =>
      work({
        users: {
          findInOpenSession: async () => {
            lookups += 1;
            const read = answer; // what the row said when it was read
            if (gate !== null) await gate;
            return read;
          },
        },
      }),
  } as unknown as Transactor;
  let now = 1_000_000;
  let mono = 0;
  const credentials = makeCredentials({
    tx,
    clock: { now: () => new Date(now) },
    elapsed: () => mono,
  });
  return {
    credentials,
    lookups: () => lookups,
    set: (a: StaffUser | null) => (answer = a),
    advance: (ms: number, monotonic = ms) => {
      now += ms;
      mono += monotonic;
    },
    hold: () => {
      gate = new Promise((r) => (release = r));
    },
    release: () => {
      gate = null;
      release?.();
    },
  };
};

describe('credentials', () => {
  it('answers from memory for a few seconds, by either clock', async () => {
    const c = setUp();
    await c.credentials.staff('u1', 's1');
    await c.credentials.staff('u1', 's1');
    expect(c.lookups()).toBe(1);
    c.advance(CREDENTIAL_TTL_MS, 0); // the application clock moved (a manual one, in tests)
    await c.credentials.staff('u1', 's1');
    expect(c.lookups()).toBe(2);
    c.advance(0, CREDENTIAL_TTL_MS); // a frozen application clock does not keep it for ever
    await c.credentials.staff('u1', 's1');
    expect(c.lookups()).toBe(3);
  });

  it('keeps no refusal: a reactivated account works at once', async () => {
    const c = setUp();
    c.set(null);
    expect(await c.credentials.staff('u1', 's1')).toBeNull();
    c.set(user());
    expect(await c.credentials.staff('u1', 's1')).not.toBeNull();
  });

  it('forgets a revoked session at once, and a lookup that was in flight during the change', async () => {
    const c = setUp();
    await c.credentials.staff('u1', 's1');
    c.set(null);
    c.credentials.forget({ kind: 'session_revoked', sessionId: 's1' });
    expect(await c.credentials.staff('u1', 's1')).toBeNull();

    c.set(user());
    c.hold();
    const racing = c.credentials.staff('u1', 's2'); // read before the change committed
    c.credentials.forget({
      kind: 'user_changed',
      userId: 'u1',
      active: false,
      role: 'doctor',
      departmentIds: [],
      sessionsRevoked: true,
    });
    c.set(null);
    c.release();
    expect(await racing).not.toBeNull(); // that caller got the old answer…
    expect(await c.credentials.staff('u1', 's2')).toBeNull(); // …but it was not kept
  });
});
