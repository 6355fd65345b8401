import { useState } from 'react';
import type { Department } from '../shared/api/types';

interface Selection {
  readonly departmentId: string | null;
  readonly roomId: string | null;
}

const keyFor = (userId: string) => `mq.dashboard.${userId}`;

const read = (userId: string): Selection => {
  try {
    const parsed = JSON.parse(localStorage.getItem(keyFor(userId)) ?? '{}') as Partial<Selection>;
    return {
      departmentId: typeof parsed.departmentId === 'string' ? parsed.departmentId : null,
      roomId: typeof parsed.roomId === 'string' ? parsed.roomId : null,
    };
  } catch {
    return { departmentId: null, roomId: null };
  }
};

/**
 * The department and room this person works in, remembered on this device (a preference,
 * not a credential), and kept valid: a department or room that is gone falls back.
 */
export const useSelection = (userId: string, departments: readonly Department[]) => {
  const [chosen, setChosen] = useState<Selection>(() => read(userId));
  const save = (next: Selection) => {
    setChosen(next);
    try {
      localStorage.setItem(keyFor(userId), JSON.stringify(next));
    } catch {
      // storage disabled: the choice lasts for this page
    }
  };
  const department =
    departments.find((d) => d.id === chosen.departmentId) ?? departments[0] ?? null;
  const rooms = department?.rooms.filter((r) => r.active) ?? [];
  const room = rooms.find((r) => r.id === chosen.roomId) ?? null;
  return {
    department,
    rooms,
    room,
    chooseDepartment: (departmentId: string) => save({ departmentId, roomId: null }),
    chooseRoom: (roomId: string) => save({ departmentId: department?.id ?? null, roomId }),
  };
};
