// The part of @opentelemetry/api this library calls, described here so that the package's types do not depend on it
// (it is an optional peer). The module namespace of @opentelemetry/api (`import * as api` of it) is an `OpenTelemetryApi`.

export type AttributeValue = string | number | boolean;
export type Attributes = Record<string, AttributeValue | undefined>;

export interface Histogram {
  record(value: number, attributes?: Attributes): void;
}
export interface Counter {
  add(value: number, attributes?: Attributes): void;
}
export interface ObservableResult {
  observe(value: number, attributes?: Attributes): void;
}
export interface ObservableCounter {
  addCallback(callback: (result: ObservableResult) => void): void;
  removeCallback(callback: (result: ObservableResult) => void): void;
}
export interface MetricOptions {
  description?: string;
  unit?: string;
  advice?: { explicitBucketBoundaries?: number[] };
}
export interface Meter {
  createHistogram(name: string, options?: MetricOptions): Histogram;
  createCounter(name: string, options?: MetricOptions): Counter;
  createObservableCounter(name: string, options?: MetricOptions): ObservableCounter;
}
export interface MeterProvider {
  getMeter(name: string, version?: string): Meter;
}

export interface Span {
  setAttribute(key: string, value: AttributeValue): unknown;
  setStatus(status: { code: number; message?: string }): unknown;
  end(endTime?: number): void;
}
export interface SpanOptions {
  kind?: number;
  attributes?: Attributes;
  /** Epoch ms. */
  startTime?: number;
}
/** Opaque: only passed back to the api. */
export type Context = object;
export interface Tracer {
  startSpan(name: string, options?: SpanOptions, context?: Context): Span;
}
export interface TracerProvider {
  getTracer(name: string, version?: string): Tracer;
}

/** The module namespace of @opentelemetry/api. */
export interface OpenTelemetryApi {
  readonly metrics: { getMeterProvider(): MeterProvider };
  readonly trace: {
    getTracerProvider(): TracerProvider;
    setSpan(context: Context, span: Span): Context;
  };
  readonly context: { active(): Context };
}

/**
 * The `telemetry` option of TokenManager. Omitted: `@opentelemetry/api` is loaded (dynamic import) at the manager's
 * first token request that misses the cache, if it is installed, and its global providers are used. `false`: no
 * signals, nothing loaded. An object: this api (and these providers, default the api's global ones).
 */
export interface TelemetryOptions {
  readonly api: OpenTelemetryApi;
  readonly meterProvider?: MeterProvider;
  readonly tracerProvider?: TracerProvider;
}
