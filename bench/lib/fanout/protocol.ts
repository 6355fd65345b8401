/**
 * Messages between `fanout.bench.ts` (the driver) and `client.ts` (the SSE client
 * child process), over the child-process IPC channel.
 */

/** Where the client opens its streams. */
export interface StreamTarget {
  readonly port: number;
  readonly path: string;
  readonly headers: Record<string, string>;
}

/** How the client causes one event and learns when it was committed. */
export type Trigger =
  | {
      /** MediQue: POST /api/v1/checkins; the 201 arrives after the commit. */
      readonly kind: 'checkin';
      readonly port: number;
      readonly authorization: string;
      readonly departmentId: string;
    }
  | {
      /** The reference hub: POST /publish answers with the event's id, then broadcasts. */
      readonly kind: 'publish';
      readonly port: number;
    };

export type DriverMessage =
  | {
      readonly type: 'open';
      readonly target: StreamTarget;
      readonly count: number;
      /** Source addresses (127.0.0.x), used round-robin: more ephemeral ports. */
      readonly localAddresses: readonly string[];
      /** Streams being opened at once (each waits for its first `snapshot` frame). */
      readonly concurrency: number;
      readonly timeoutMs: number;
    }
  | {
      readonly type: 'run';
      readonly trigger: Trigger;
      readonly warmup: number;
      readonly count: number;
      readonly pauseMs: number;
      /** Longest wait for every open stream to get one event. */
      readonly eventTimeoutMs: number;
      /** Idempotency-Key prefix of the check-ins (the driver deletes those Redis keys). */
      readonly keyPrefix: string;
    }
  | { readonly type: 'status' }
  | { readonly type: 'close'; readonly timeoutMs: number }
  | { readonly type: 'exit' };

export interface OpenResult {
  readonly type: 'opened';
  readonly requested: number;
  readonly ready: number;
  readonly failed: number;
  readonly failures: Record<string, number>;
  readonly elapsedMs: number;
}

export interface EventSample {
  readonly eventId: number;
  /** Trigger sent → its response (the check-in's latency, or /publish's). */
  readonly triggerMs: number;
  /** Response → first / last stream that received the frame with this id. */
  readonly firstMs: number;
  readonly lastMs: number;
  /** Streams that got it, and streams open when the wait ended. */
  readonly received: number;
  readonly open: number;
  /** The verifying stream's frame carried the triggering visit (MediQue) / payload id. */
  readonly verified: boolean;
}

export interface RunResult {
  readonly type: 'ran';
  readonly warmup: readonly EventSample[];
  readonly samples: readonly EventSample[];
  readonly triggerErrors: Record<string, number>;
  /** Events that did not reach every open stream within `eventTimeoutMs`. */
  readonly incomplete: number;
  /** Frames whose id was not above the stream's previous one (duplicates, reordering). */
  readonly outOfOrder: number;
  /** Streams that ended during the run. */
  readonly dropped: number;
  /** Bytes of one event frame as the verifying stream received it. */
  readonly frameBytes: number | null;
  /** CPU of this client process during the run (cores busy, average). */
  readonly clientCpuCores: number;
}

export interface CloseResult {
  readonly type: 'closed';
  readonly closed: number;
  readonly stillOpen: number;
}

export interface StatusResult {
  readonly type: 'status';
  /** Streams that got their snapshot and are still open. */
  readonly open: number;
  /** Streams that ended without the client closing them, since the last open. */
  readonly dropped: number;
}

export type ClientMessage =
  | OpenResult
  | StatusResult
  | RunResult
  | CloseResult
  | { readonly type: 'error'; readonly message: string };
