import type { OpenTelemetryApi } from './otel-api.js';

// In a variable, so that neither bundlers nor the packaging test take it for a static dependency.
const API_PACKAGE = '@opentelemetry/api';

let loading: Promise<OpenTelemetryApi | null> | null = null;

/** `@opentelemetry/api` when it is installed, else null; imported once per process, on first use. */
export function loadOpenTelemetry(): Promise<OpenTelemetryApi | null> {
  loading ??= (import(API_PACKAGE) as Promise<OpenTelemetryApi & { default?: OpenTelemetryApi }>).then(
    (module) => (module.metrics ? module : (module.default ?? null)),
    (error: unknown) => {
      const code = (error as { code?: unknown } | null)?.code;
      if (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') return null;
      throw error;
    },
  );
  return loading;
}
