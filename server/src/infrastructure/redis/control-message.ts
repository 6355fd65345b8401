import { z } from 'zod';
import type { ControlMessage } from '../../application/ports.js';
import { staffRoles } from '../../domain/actor.js';

/**
 * The pub/sub message of a control change (ADR 11), with the instance that sent it (that
 * one has already applied it). Parsed before use, like every message off a channel.
 */
const message = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('session_revoked'), sessionId: z.string().min(1) }),
  z.object({
    kind: z.literal('user_sessions_revoked'),
    userId: z.uuid(),
    exceptSessionId: z.string().min(1).nullable(),
  }),
  z.object({
    kind: z.literal('user_changed'),
    userId: z.uuid(),
    active: z.boolean(),
    role: z.enum(staffRoles),
    departmentIds: z.array(z.uuid()),
    sessionsRevoked: z.boolean(),
  }),
  z.object({
    kind: z.literal('device_changed'),
    deviceId: z.uuid(),
    active: z.boolean(),
    departmentIds: z.array(z.uuid()),
  }),
  z.object({ kind: z.literal('department_changed'), departmentId: z.uuid() }),
]);

const envelope = z.object({ origin: z.string().min(1), message });

export const encodeControl = (origin: string, m: ControlMessage): string =>
  JSON.stringify({ origin, message: m });

export const decodeControl = (raw: string): { origin: string; message: ControlMessage } | null => {
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    return null;
  }
  const parsed = envelope.safeParse(json);
  return parsed.success ? parsed.data : null;
};
