import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { GuardClaim, IdempotencyGuard } from '../../application/ports.js';
import { decodeVisit, encodeVisit } from '../event-codec.js';
import { redisKeys, redisTtl } from './keys.js';

/**
 * The fast in-flight guard in front of the Postgres idempotency record. A claim is
 * `SET key <pending> NX PX 15000`; the finished answer replaces it only if the value is
 * still this claim's (Lua compare-and-set), so a lease that lapsed while a slow request ran
 * can never overwrite another request's record.
 */
const COMPLETE = `
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])
end
return nil`;

const RELEASE = `
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0`;

interface Stored {
  readonly state: 'pending' | 'done';
  readonly owner?: string;
  readonly fingerprint: string;
  readonly visit?: unknown;
}

const parse = (raw: string): Stored | null => {
  try {
    const value = JSON.parse(raw) as Stored;
    return value.state === 'pending' || value.state === 'done' ? value : null;
  } catch {
    return null;
  }
};

/** No Redis ownership: the request goes on and Postgres decides (complete/release no-op). */
export const unguarded: GuardClaim = { kind: 'claimed', owner: '' };

/**
 * Fails open: if Redis is unreachable the request goes on unguarded and the Postgres
 * record decides, so a Redis outage costs speed, never a duplicate or an error.
 */
export const makeRedisIdempotencyGuard = (
  redis: Redis,
  onError: (err: unknown) => void = () => {},
): IdempotencyGuard => {
  const guard = makeStrictGuard(redis);
  return {
    claim: (claim) => guard.claim(claim).catch((err: unknown) => (onError(err), unguarded)),
    complete: (claim, owner, visit) => guard.complete(claim, owner, visit).catch(onError),
    release: (claim, owner) => guard.release(claim, owner).catch(onError),
  };
};

const makeStrictGuard = (redis: Redis): IdempotencyGuard => ({
  claim: async ({ credential, key, fingerprint }) => {
    const redisKey = redisKeys.idempotency(credential, key);
    const pending = JSON.stringify({
      state: 'pending',
      owner: randomUUID(),
      fingerprint,
    } satisfies Stored);
    const ok = await redis.set(redisKey, pending, 'PX', redisTtl.idempotencyLeaseMs, 'NX');
    if (ok === 'OK') return { kind: 'claimed', owner: pending };
    const raw = await redis.get(redisKey);
    const stored = raw === null ? null : parse(raw);
    if (stored === null) return unguarded; // lapsed or unreadable meanwhile
    if (stored.state === 'pending') return { kind: 'in_progress' };
    const visit = decodeVisit(stored.visit);
    return visit === null
      ? unguarded
      : { kind: 'completed', fingerprint: stored.fingerprint, visit };
  },

  complete: async ({ credential, key, fingerprint }, owner, visit) => {
    if (owner === '') return;
    const done = JSON.stringify({
      state: 'done',
      fingerprint,
      visit: encodeVisit(visit),
    } satisfies Stored);
    await redis.eval(
      COMPLETE,
      1,
      redisKeys.idempotency(credential, key),
      owner,
      done,
      redisTtl.idempotencyResultMs,
    );
  },

  release: async ({ credential, key }, owner) => {
    if (owner === '') return;
    await redis.eval(RELEASE, 1, redisKeys.idempotency(credential, key), owner);
  },
});
