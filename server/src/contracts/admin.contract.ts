import { z } from 'zod';
import { staffRoles } from '../domain/actor.js';
import { IsoDateTime, Uuid } from './common.js';

export const Role = z.enum(staffRoles);

export const User = z
  .object({
    id: Uuid,
    username: z.string(),
    role: Role,
    active: z.boolean(),
    departmentIds: z.array(Uuid),
  })
  .meta({ id: 'User' });

const Username = z
  .string()
  .regex(/^[A-Za-z0-9._-]{3,64}$/, 'must be 3–64 letters, digits, dots, dashes or underscores');
const Password = z.string().min(1).max(256);
const DepartmentIds = z.array(Uuid).max(100);

export const CreateUserBody = z.strictObject({
  username: Username,
  password: Password,
  role: Role,
  departmentIds: DepartmentIds.default([]),
});

export const UpdateUserBody = z.strictObject({
  role: Role.optional(),
  active: z.boolean().optional(),
  departmentIds: DepartmentIds.optional(),
  password: Password.optional(),
});

export const Language = z.enum(['en', 'fr']);

const deviceFields = {
  id: Uuid,
  name: z.string(),
  active: z.boolean(),
  departmentIds: z.array(Uuid),
  createdAt: IsoDateTime,
};
export const Kiosk = z.object(deviceFields).meta({ id: 'Kiosk' });
export const Board = z
  .object({ ...deviceFields, language: Language.nullable() })
  .meta({ id: 'Board' });

/** What a paired kiosk or board learns about itself (GET /api/v1/device). */
export const CurrentDevice = z
  .object({
    id: Uuid,
    kind: z.enum(['kiosk', 'board']),
    name: z.string(),
    language: Language.nullable(),
    departmentIds: z.array(Uuid),
  })
  .meta({ id: 'CurrentDevice' });

const DeviceName = z.string().trim().min(1).max(120);

export const CreateKioskBody = z.strictObject({
  name: DeviceName,
  departmentIds: DepartmentIds.min(1),
});
export const UpdateKioskBody = z.strictObject({
  name: DeviceName.optional(),
  active: z.boolean().optional(),
  departmentIds: DepartmentIds.min(1).optional(),
});
export const CreateBoardBody = z.strictObject({
  name: DeviceName,
  departmentIds: DepartmentIds.min(1),
  language: Language.optional(),
});
export const UpdateBoardBody = z.strictObject({
  name: DeviceName.optional(),
  active: z.boolean().optional(),
  departmentIds: DepartmentIds.min(1).optional(),
  language: Language.optional(),
});

export const LoginBody = z.strictObject({
  username: z.string().min(1).max(128),
  password: z.string().min(1).max(1024),
});

export const LoginResponse = z.object({
  accessToken: z.string(),
  expiresInSeconds: z.number().int(),
  user: User,
});
