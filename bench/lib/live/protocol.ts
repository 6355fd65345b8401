/**
 * Messages between `live.bench.ts` (the driver) and `screens-client.ts` (the SSE client of
 * the live-view benchmarks, a child process), over the IPC channel.
 */

export interface Target {
  readonly port: number;
  readonly path: string;
  readonly headers: Record<string, string>;
}

export type Trigger =
  /** MediQue: POST …/call-next; the 200 arrives after the commit. */
  | {
      readonly kind: 'call';
      readonly port: number;
      readonly authorization: string;
      readonly departmentId: string;
      readonly roomId: string;
    }
  /** The reference hub: POST /publish answers first, then writes the frame to every stream. */
  | { readonly kind: 'publish'; readonly port: number; readonly body: string };

export type Request =
  | {
      readonly type: 'open';
      readonly targets: readonly Target[];
      readonly localAddresses: readonly string[];
      readonly concurrency: number;
      readonly timeoutMs: number;
    }
  | {
      readonly type: 'run';
      readonly trigger: Trigger;
      readonly warmup: number;
      readonly count: number;
      readonly pauseMs: number;
      readonly timeoutMs: number;
    }
  | { readonly type: 'close' }
  | { readonly type: 'exit' };

export interface Opened {
  readonly type: 'opened';
  readonly ready: number;
  readonly failed: number;
  readonly failures: Record<string, number>;
  readonly elapsedMs: number;
}

export interface Sample {
  /** Trigger sent → its response. */
  readonly triggerMs: number;
  /** Response → the first / the last open stream that got a new frame. */
  readonly firstMs: number;
  readonly lastMs: number;
  readonly updated: number;
  readonly open: number;
}

export interface Ran {
  readonly type: 'ran';
  readonly samples: readonly Sample[];
  readonly incomplete: number;
  readonly triggerErrors: Record<string, number>;
  readonly dropped: number;
  /** CPU of the client process during the run (cores busy). */
  readonly clientCpuCores: number;
}

export type Reply =
  | Opened
  | Ran
  | { readonly type: 'closed'; readonly stillOpen: number }
  | { readonly type: 'error'; readonly message: string };
