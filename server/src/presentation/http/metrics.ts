import type { FastifyInstance } from 'fastify';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { Clock } from '../../application/ports.js';
import type { VisitEvent } from '../../domain/events.js';

/**
 * Prometheus metrics. Each app gets its own Registry (tests build many apps in one
 * process, and two registries must not count each other's requests); process metrics
 * (memory, CPU, GC, event-loop lag) describe the process, so they are collected once and
 * shared.
 */
let processRegistry: Registry | undefined;
const processMetrics = (): Registry => {
  if (processRegistry === undefined) {
    processRegistry = new Registry();
    collectDefaultMetrics({ register: processRegistry });
  }
  return processRegistry;
};

export interface PoolStats {
  readonly total: number;
  readonly idle: number;
  readonly waiting: number;
}

export interface AppMetrics {
  readonly contentType: string;
  /** The Prometheus text exposition: this app's metrics and the process's. */
  render(): Promise<string>;
  observeRequest(method: string, route: string, status: number, seconds: number): void;
  /** Committed visit events (after commit): check-ins and state transitions. */
  countEvents(events: readonly VisitEvent[]): void;
  readOpenStreamsFrom(read: () => number): void;
  /** Commit (the event's time) → forwarded to this instance's streams. */
  observeFanoutLag(event: VisitEvent): void;
  readPoolFrom(read: () => PoolStats): void;
  /** What /health/ready answers, asked at each scrape (alerts see an instance that lost Postgres). */
  readReadyFrom(read: () => Promise<boolean>): void;
  /** A scheduled job's attempt on this instance (ran, already_ran, running_elsewhere, failed). */
  countJobRun(job: string, outcome: string): void;
  /** Check-ins one committed statement wrote (group commit, ADR 10). */
  observeCheckInBatch(size: number): void;
}

export const makeMetrics = (clock: Clock): AppMetrics => {
  const registry = new Registry();
  const registers = [registry];
  const requests = new Counter({
    name: 'http_requests_total',
    help: 'HTTP requests answered, by route pattern, method and status',
    labelNames: ['method', 'route', 'status'] as const,
    registers,
  });
  const duration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP request latency, by route pattern, method and status',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers,
  });
  const fanoutLag = new Histogram({
    name: 'mediqueue_event_fanout_lag_seconds',
    help: 'Time from a change being recorded to this instance forwarding it to its streams',
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 5],
    registers,
  });
  const checkIns = new Counter({
    name: 'mediqueue_checkins_total',
    help: 'Patients checked in (transfers excluded), by priority',
    labelNames: ['priority'] as const,
    registers,
  });
  const transitions = new Counter({
    name: 'mediqueue_visit_events_total',
    help: 'Committed visit events (check-ins and transitions), by event type',
    labelNames: ['type'] as const,
    registers,
  });
  let openStreams = (): number => 0;
  new Gauge({
    name: 'mediqueue_sse_connections',
    help: 'Server-Sent Event streams open on this instance',
    registers,
    collect() {
      this.set(openStreams());
    },
  });
  const jobRuns = new Counter({
    name: 'mediqueue_job_runs_total',
    help: 'Scheduled job attempts on this instance, by task (the job) and outcome (failed: rolled back, retried next minute)',
    // `task`, not `job`: Prometheus keeps `job` for the scrape job.
    labelNames: ['task', 'outcome'] as const,
    registers,
  });
  const checkInBatches = new Histogram({
    name: 'mediqueue_checkin_batch_size',
    help: 'Check-ins written by one committed statement (group commit per department)',
    buckets: [1, 2, 4, 8, 16, 32, 64],
    registers,
  });
  let pool: (() => PoolStats) | undefined;
  new Gauge({
    name: 'mediqueue_db_pool_clients',
    help: 'Postgres pool clients (total, idle) and requests waiting for one',
    labelNames: ['state'] as const,
    registers,
    collect() {
      if (pool === undefined) return;
      const s = pool();
      this.set({ state: 'total' }, s.total);
      this.set({ state: 'idle' }, s.idle);
      this.set({ state: 'waiting' }, s.waiting);
    },
  });

  let ready: (() => Promise<boolean>) | undefined;
  new Gauge({
    name: 'mediqueue_ready',
    help: '1 when this instance reaches Postgres (and Redis), as /health/ready answers; else 0',
    registers,
    async collect() {
      if (ready !== undefined) this.set((await ready()) ? 1 : 0);
    },
  });

  return {
    contentType: registry.contentType,
    render: () => Registry.merge([processMetrics(), registry]).metrics(),
    observeRequest: (method, route, status, seconds) => {
      const labels = { method, route, status: String(status) };
      requests.inc(labels);
      duration.observe(labels, seconds);
    },
    countEvents: (events) => {
      for (const e of events) {
        transitions.inc({ type: e.type });
        if (e.type === 'visit.checked_in' && e.visit.transferredFromVisitId === null) {
          checkIns.inc({ priority: e.visit.priority });
        }
      }
    },
    readOpenStreamsFrom: (read) => {
      openStreams = read;
    },
    observeFanoutLag: (event) => {
      fanoutLag.observe(Math.max(0, clock.now().getTime() - event.occurredAt.getTime()) / 1000);
    },
    readPoolFrom: (read) => {
      pool = read;
    },
    readReadyFrom: (read) => {
      ready = read;
    },
    countJobRun: (job, outcome) => {
      jobRuns.inc({ task: job, outcome });
    },
    observeCheckInBatch: (size) => {
      checkInBatches.observe(size);
    },
  };
};

/**
 * Times every answered request. Labels use the route pattern (`/api/v1/visits/:id`), never
 * the raw URL: ids in labels would make one time series per patient. Requests that match
 * no route share the label `unmatched`. Added on the root instance before any route, so
 * every route inherits it.
 */
export const installRequestMetrics = (app: FastifyInstance, metrics: AppMetrics): void => {
  app.addHook('onResponse', async (request, reply) => {
    metrics.observeRequest(
      request.method,
      request.routeOptions.url ?? 'unmatched',
      reply.statusCode,
      reply.elapsedTime / 1000,
    );
  });
};
