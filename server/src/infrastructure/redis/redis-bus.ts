import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type {
  ControlBus,
  ControlMessage,
  ControlPublisher,
  EventBus,
  EventPublisher,
} from '../../application/ports.js';
import type { VisitEvent } from '../../domain/events.js';
import { encodeEvent, parseEventMessage } from '../event-codec.js';
import { decodeControl, encodeControl } from './control-message.js';
import { redisKeys } from './keys.js';

type Listener = (event: VisitEvent) => void;

/**
 * Redis pub/sub between instances. The publisher is a normal connection; the subscriber a
 * dedicated one (a subscribing connection can do nothing else). One channel subscription
 * per department with local followers, reference-counted, and one control channel every
 * instance always holds. Publishing happens after commit and never fails a request: the
 * event table is the record, and a lost message is a gap the feeds fill from it; a lost
 * control message is covered by the reconnect (`onReconnect` starts over from Postgres).
 */
export const makeRedisBus = ({
  publisher,
  subscriber,
  logger,
}: {
  publisher: Redis;
  subscriber: Redis;
  logger?: Logger;
}): EventPublisher & EventBus & ControlPublisher & ControlBus => {
  const listeners = new Map<string, Set<Listener>>();
  /** Department SUBSCRIBEs sent and not yet confirmed. */
  const subscribing = new Map<string, Promise<void>>();
  const reconnectListeners: (() => void)[] = [];
  const controlListeners: ((m: ControlMessage) => void)[] = [];
  /** This instance, so it skips its own control messages (it applied them when sending). */
  const origin = randomUUID();
  let everReady = subscriber.status === 'ready';

  const control = (m: ControlMessage): void => {
    for (const listener of controlListeners) listener(m);
  };

  subscriber.on('message', (channel: string, raw: string) => {
    if (channel === redisKeys.controlChannel) {
      const decoded = decodeControl(raw);
      if (decoded === null) logger?.warn({ channel }, 'dropped a malformed control message');
      else if (decoded.origin !== origin) control(decoded.message);
      return;
    }
    const departmentId = redisKeys.departmentChannelPattern.exec(channel)?.[1];
    if (departmentId === undefined) return;
    const event = parseEventMessage(raw);
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
  subscriber.subscribe(redisKeys.controlChannel).catch((err: unknown) => {
    logger?.warn({ err }, 'control channel subscription failed; retried on reconnect');
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
        const fresh = new Set<Listener>();
        set = fresh;
        listeners.set(departmentId, fresh);
        const pending = subscriber
          .subscribe(redisKeys.departmentChannel(departmentId))
          .then(() => undefined)
          .catch((err: unknown) => {
            // Forget the department, or the next subscriber would find it and skip the
            // SUBSCRIBE that never happened: its channel would stay silent.
            if (listeners.get(departmentId) === fresh && fresh.size === 0) {
              listeners.delete(departmentId);
            }
            throw err;
          })
          .finally(() => {
            if (subscribing.get(departmentId) === pending) subscribing.delete(departmentId);
          });
        subscribing.set(departmentId, pending);
        await pending;
      } else {
        await subscribing.get(departmentId); // a SUBSCRIBE still on its way counts as done only once it is
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

    connected: () => subscriber.status === 'ready',

    // The others through Redis; this instance at once, before the response that confirms it.
    announce: (m) => {
      publisher
        .publish(redisKeys.controlChannel, encodeControl(origin, m))
        .catch((err: unknown) => {
          logger?.warn({ err, kind: m.kind }, 'control publish failed; other instances recheck');
        });
      control(m);
    },

    onControl: (listener) => {
      controlListeners.push(listener);
    },
  };
};
