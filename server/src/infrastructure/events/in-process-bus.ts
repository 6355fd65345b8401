import type { EventPublisher } from '../../application/ports.js';
import type { VisitEvent } from '../../domain/events.js';

export type VisitEventListener = (event: VisitEvent) => void;

/**
 * The embedded mode's event bus: committed events go straight to this process's listeners.
 * (With Redis, pub/sub plays this part across instances; the event table stays the record.)
 */
export const makeInProcessBus = (): EventPublisher & {
  subscribe(listener: VisitEventListener): () => void;
} => {
  const listeners = new Set<VisitEventListener>();
  return {
    publish: (events) => {
      for (const event of events) for (const listener of listeners) listener(event);
    },
    subscribe: (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
};
