// An OpenTelemetry SDK held in memory for the telemetry tests: a meter provider read on demand and a tracer provider
// whose spans are kept, passed to a TokenManager through its `telemetry` option.
import * as api from '@opentelemetry/api';
import { MeterProvider, MetricReader, type DataPoint, type Histogram } from '@opentelemetry/sdk-metrics';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import type { TelemetryOptions } from 'zoho-token-store';

/** A metric reader that reads when asked. */
class OnDemandReader extends MetricReader {
  protected override onShutdown(): Promise<void> {
    return Promise.resolve();
  }
  protected override onForceFlush(): Promise<void> {
    return Promise.resolve();
  }
}

export type Point = DataPoint<number | Histogram>;

export class InMemoryTelemetry {
  readonly #reader = new OnDemandReader();
  readonly #exporter = new InMemorySpanExporter();
  readonly meterProvider = new MeterProvider({ readers: [this.#reader] });
  readonly tracerProvider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(this.#exporter)] });

  get options(): TelemetryOptions {
    return { api, meterProvider: this.meterProvider, tracerProvider: this.tracerProvider };
  }

  /** Every data point of every metric, by metric name (cumulative since the start). */
  async metrics(): Promise<Map<string, Point[]>> {
    const { resourceMetrics, errors } = await this.#reader.collect();
    if (errors.length > 0) throw errors[0];
    const out = new Map<string, Point[]>();
    for (const scope of resourceMetrics.scopeMetrics) {
      for (const metric of scope.metrics)
        out.set(metric.descriptor.name, [...(out.get(metric.descriptor.name) ?? []), ...(metric.dataPoints as Point[])]);
    }
    return out;
  }

  spans(): ReadableSpan[] {
    return this.#exporter.getFinishedSpans();
  }

  /** Forgets the spans seen so far (metrics are cumulative: tests compare before and after). */
  resetSpans(): void {
    this.#exporter.reset();
  }

  async close(): Promise<void> {
    await this.meterProvider.shutdown();
    await this.tracerProvider.shutdown();
  }
}

/** The points of `name` whose attributes include `match`. */
export function pointsOf(metrics: Map<string, Point[]>, name: string, match: Record<string, unknown> = {}): Point[] {
  return (metrics.get(name) ?? []).filter((point) => Object.entries(match).every(([key, value]) => point.attributes[key] === value));
}

/** The count of histogram points (or the sum of counter points) matching. */
export function countOf(metrics: Map<string, Point[]>, name: string, match: Record<string, unknown> = {}): number {
  return pointsOf(metrics, name, match).reduce(
    (sum, point) => sum + (typeof point.value === 'number' ? point.value : point.value.count),
    0,
  );
}

export function sumOf(metrics: Map<string, Point[]>, name: string, match: Record<string, unknown> = {}): number {
  return pointsOf(metrics, name, match).reduce(
    (sum, point) => sum + (typeof point.value === 'number' ? point.value : (point.value.sum ?? 0)),
    0,
  );
}

/** The spans whose parent is `parent` (by span id), in start order. */
export function childrenOf(spans: readonly ReadableSpan[], parent: ReadableSpan): ReadableSpan[] {
  return spans.filter((span) => span.parentSpanContext?.spanId === parent.spanContext().spanId);
}
