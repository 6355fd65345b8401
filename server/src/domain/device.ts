export type DeviceKind = 'kiosk' | 'board';

/** A paired kiosk or board: a revocable credential scoped to departments (its token is stored hashed). */
export interface Device {
  readonly id: string;
  readonly kind: DeviceKind;
  readonly name: string;
  readonly active: boolean;
  readonly language: string | null;
  readonly departmentIds: readonly string[];
  readonly createdAt: Date;
}
