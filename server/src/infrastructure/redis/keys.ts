/**
 * Every Redis key prefix, channel and TTL MediQue uses, in one place.
 */
export const redisKeys = {
  /** Pub/sub channel per department. */
  departmentChannel: (departmentId: string) => `mq:events:${departmentId}`,
  departmentChannelPattern: /^mq:events:([0-9a-f-]{36})$/,
  /** Pub/sub channel of control changes: revocations, department edits (ADR 11). */
  controlChannel: 'mq:control',
  /** Idempotency claim / completed answer for (credential, key). */
  idempotency: (credential: string, key: string) => `mq:idem:${credential}:${key}`,
  /** Stream ticket → the actor it was issued to. */
  streamTicket: (ticket: string) => `mq:st:${ticket}`,
  /** Rate-limit counters (@fastify/rate-limit appends the route and the client key). */
  rateLimit: 'mq:rl:',
} as const;

export const redisTtl = {
  /** An in-flight claim lapses this long after a crashed instance took it (docs/api.md: ≤ 15 s). */
  idempotencyLeaseMs: 15_000,
  /** Completed answers are kept a day (docs/api.md: keys are remembered ≥ 24 h; Postgres keeps them longer). */
  idempotencyResultMs: 24 * 60 * 60 * 1000,
  streamTicketSeconds: 30,
} as const;
