import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { EventBus, EventPublisher } from '../../application/ports.js';
import type { VisitEvent } from '../../domain/events.js';
import { decodeEvent, encodeEvent } from './event-message.js';
import { redisKeys } from './keys.js';

type Listener = (event: VisitEvent) => void;

/**
 * Redis pub/sub between instances. The publisher is a normal connection; the subscriber a
 * dedicated one (a subscribing connection can do nothing else). One channel subscription
 * per department with local followers, reference-counted. Publishing happens after
 * commit and never fails a request: the event table is the record, and a lost message is
 * a gap the feeds fill from it.
 */
export const makeRedisBus = ({
  publisher,
  subscriber,
  logger,
}: {
  publisher: Redis;
  subscriber: Redis;
  logger?: Logger;
}): EventPublisher & EventBus => {
  const listeners = new Map<string, Set<Listener>>();
  const reconnectListeners: (() => void)[] = [];
  let everReady = subscriber.status === 'ready';

  subscriber.on('message', (channel: string, raw: string) => {
    const departmentId = redisKeys.departmentChannelPattern.exec(channel)?.[1];
    if (departmentId === undefined) return;
    const event = decodeEvent(raw);
    if (event === null || event.departmentId !== departmentId) {
      logger?.warn({ channel }, 'dropped a malformed event message');
      return;
    }
    for (const listener of listeners.get(departmentId) ?? []) listener(event);
  });

  // ioredis resubscribes by itself after a reconnect, but anything published while the
  // connection was down is gone (pub/sub is at-most-once): tell the feeds to catch up.
  subscriber.on('ready', () => {
    if (everReady) {
      logger?.warn('redis subscriber reconnected; catching up from the event log');
      for (const listener of reconnectListeners) listener();
    }
    everReady = true;
  });

  return {
    publish: (events) => {
      for (const event of events) {
        publisher
          .publish(redisKeys.departmentChannel(event.departmentId), encodeEvent(event))
          .catch((err: unknown) => {
            logger?.warn(
              { err, departmentId: event.departmentId, eventId: event.eventId },
              'event publish failed',
            );
          });
      }
    },

    subscribe: async (departmentId, onEvent) => {
      let set = listeners.get(departmentId);
      if (set === undefined) {
        set = new Set();
        listeners.set(departmentId, set);
        await subscriber.subscribe(redisKeys.departmentChannel(departmentId));
      }
      set.add(onEvent);
      const mine = set;
      return async () => {
        mine.delete(onEvent);
        if (mine.size === 0 && listeners.get(departmentId) === mine) {
          listeners.delete(departmentId);
          await subscriber.unsubscribe(redisKeys.departmentChannel(departmentId));
        }
      };
    },

    onReconnect: (listener) => {
      reconnectListeners.push(listener);
    },
  };
};
