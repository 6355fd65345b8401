import type {
  ControlBus,
  ControlMessage,
  ControlPublisher,
  EventBus,
  EventPublisher,
} from '../../application/ports.js';
import type { VisitEvent } from '../../domain/events.js';

type Listener = (event: VisitEvent) => void;

/**
 * The embedded mode's bus: committed events and control changes go straight to this
 * process's followers. With Redis, pub/sub plays this part across instances; the event
 * table stays the record.
 */
export const makeInProcessBus = (): EventPublisher & EventBus & ControlPublisher & ControlBus => {
  const byDepartment = new Map<string, Set<Listener>>();
  const controlListeners: ((m: ControlMessage) => void)[] = [];
  return {
    publish: (events) => {
      for (const event of events) {
        for (const listener of byDepartment.get(event.departmentId) ?? []) listener(event);
      }
    },
    subscribe: async (departmentId, onEvent) => {
      const set = byDepartment.get(departmentId) ?? new Set<Listener>();
      byDepartment.set(departmentId, set);
      set.add(onEvent);
      return async () => {
        set.delete(onEvent);
        if (set.size === 0) byDepartment.delete(departmentId);
      };
    },
    onReconnect: () => {
      // An in-process bus never disconnects.
    },
    connected: () => true,
    announce: (m) => {
      for (const listener of controlListeners) listener(m);
    },
    onControl: (listener) => {
      controlListeners.push(listener);
    },
  };
};
