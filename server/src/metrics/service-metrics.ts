import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { AppendGroupStats } from '../storage/sqlite/writer-protocol';

/** A gauge whose value is read when Prometheus scrapes, such as the number of queued runs. */
export type GaugeReader = () => Array<{ labels: Record<string, string>; value: number }>;

/**
 * The service's Prometheus metrics, in one registry served at `GET /metrics`. Label values are
 * bounded: routes are patterns such as `/events/:id`, never raw paths.
 */
export class ServiceMetrics {
  readonly registry = new Registry();
  private readonly requests: Counter<'method' | 'route' | 'status'>;
  private readonly requestSeconds: Histogram<'method' | 'route'>;
  private readonly eventsAppended: Counter;
  private readonly groupUnits: Histogram;
  private readonly groupSeconds: Histogram;

  constructor() {
    collectDefaultMetrics({ register: this.registry });
    this.requests = new Counter({
      name: 'http_requests_total',
      help: 'HTTP requests by method, route pattern and status code.',
      labelNames: ['method', 'route', 'status'],
      registers: [this.registry],
    });
    this.requestSeconds = new Histogram({
      name: 'http_request_duration_seconds',
      help: 'Time from receiving a request to returning its response, by method and route pattern.',
      labelNames: ['method', 'route'],
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: [this.registry],
    });
    this.eventsAppended = new Counter({ name: 'ledger_events_appended_total', help: 'Events appended to the ledger.', registers: [this.registry] });
    this.groupUnits = new Histogram({
      name: 'ledger_append_group_units',
      help: 'Publish requests committed together in one transaction (group commit).',
      buckets: [1, 2, 4, 8, 16, 32, 64, 128, 256, 512],
      registers: [this.registry],
    });
    this.groupSeconds = new Histogram({
      name: 'ledger_append_group_duration_seconds',
      help: 'Time of one append transaction in the writer thread, including its fsync.',
      buckets: [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1],
      registers: [this.registry],
    });
  }

  observeRequest(method: string, route: string, status: number, seconds: number): void {
    this.requests.inc({ method, route, status: String(status) });
    this.requestSeconds.observe({ method, route }, seconds);
  }

  observeAppendGroup(stats: AppendGroupStats): void {
    this.eventsAppended.inc(stats.events);
    this.groupUnits.observe(stats.units);
    this.groupSeconds.observe(stats.durationMs / 1000);
  }

  /** Registers a gauge computed at scrape time. */
  addGauge(name: string, help: string, labelNames: string[], read: GaugeReader): void {
    new Gauge({
      name,
      help,
      labelNames,
      registers: [this.registry],
      collect() {
        this.reset();
        for (const sample of read()) this.set(sample.labels, sample.value);
      },
    });
  }
}
