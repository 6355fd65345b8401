import type { z } from 'zod';
import type { BoardState, DepartmentEvent } from './contracts';
import type { components } from './schema';

/**
 * Wire types, never written by hand: HTTP bodies come from the server's OpenAPI document
 * (schema.d.ts, `npm run api:types`), stream payloads from its zod contracts.
 */
type Schemas = components['schemas'];

export type Visit = Schemas['Visit'];
export type Queue = Schemas['Queue'];
export type Department = Schemas['Department'];
export type Room = Schemas['Room'];
export type Problem = Schemas['Problem'];
export type TicketView = Schemas['TicketView'];
export type CurrentDevice = Schemas['CurrentDevice'];
export type StreamTicket = Schemas['StreamTicket'];
export type Priority = Visit['priority'];
export type VisitState = Visit['state'];

export type BoardStateData = z.infer<typeof BoardState>;
export type BoardDepartment = BoardStateData['departments'][number];
export type BoardCall = BoardDepartment['nowServing'][number];
export type DepartmentEventData = z.infer<typeof DepartmentEvent>;
