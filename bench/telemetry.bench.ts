import * as api from '@opentelemetry/api';
import { MeterProvider, PeriodicExportingMetricReader, type PushMetricExporter } from '@opentelemetry/sdk-metrics';
import { BasicTracerProvider, SimpleSpanProcessor, type SpanExporter } from '@opentelemetry/sdk-trace-base';
import { MemoryStore, TokenManager } from 'zoho-token-store';
import { completeToken } from 'zoho-token-store/testing';
import { measurePair, printComparisons, type Measurement } from './harness.js';

const HOUR = 3_600_000;

// Exporters that drop what they are given: the cost measured is the SDK's recording, not an export.
const noopMetrics: PushMetricExporter = {
  export: (_metrics, done) => done({ code: 0 }),
  forceFlush: () => Promise.resolve(),
  shutdown: () => Promise.resolve(),
};
const noopSpans: SpanExporter = { export: (_spans, done) => done({ code: 0 }), shutdown: () => Promise.resolve() };

/**
 * The overhead of the OpenTelemetry signals on TokenManager.accessToken from the cache: the same call on two managers
 * over one store, one recording to the OpenTelemetry SDK (no-op exporters), one with `telemetry: false`.
 */
export async function benchTelemetry(size = 10_000, rounds = 5): Promise<{ withSdk: Measurement; without: Measurement; ratios: number[] }> {
  const meterProvider = new MeterProvider({
    readers: [new PeriodicExportingMetricReader({ exporter: noopMetrics, exportIntervalMillis: 1_000 })],
  });
  const tracerProvider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(noopSpans)] });
  const store = new MemoryStore();
  const tokens = Array.from({ length: size }, () => completeToken({ expiresAt: Date.now() + 10 * HOUR }));
  for (const token of tokens) await store.saveToken(token);
  const traced = new TokenManager({ store, telemetry: { api, meterProvider, tracerProvider } });
  const plain = new TokenManager({ store, telemetry: false });
  const selectors = tokens.map((token) => ({ user: String(token.userName) }));
  for (const selector of selectors) {
    await traced.accessToken(selector); // first use reads the store (recorded: lookups, store operations)
    await plain.accessToken(selector);
  }
  // Rounds of alternating batches: on a shared machine one round's ratio moves by tens of percent either way, so the
  // round with the median ratio is shown, with the range over the rounds.
  const pairs: Array<{ subject: Measurement; anchor: Measurement }> = [];
  for (let round = 0; round < rounds; round += 1) {
    pairs.push(
      await measurePair(
        ['with OpenTelemetry SDK', (i) => traced.accessToken(selectors[i % size] as { user: string })],
        ['telemetry: false', (i) => plain.accessToken(selectors[i % size] as { user: string })],
      ),
    );
  }
  const ratio = (pair: { subject: Measurement; anchor: Measurement }) => pair.subject.medianNs / pair.anchor.medianNs;
  pairs.sort((a, b) => ratio(a) - ratio(b));
  const { subject, anchor } = pairs[Math.floor(pairs.length / 2)] as { subject: Measurement; anchor: Measurement };
  printComparisons(
    `OpenTelemetry overhead: accessToken from the cache, ${size.toLocaleString('en')} users (median per call; round of median ratio)`,
    [{ what: 'accessToken({ user })', subject, anchor, goal: { maxRatio: 1.2 } }],
  );
  console.log(`ratio over ${rounds} rounds: ${ratio(pairs[0]!).toFixed(2)}× – ${ratio(pairs.at(-1)!).toFixed(2)}×`);

  // For scale: a request that misses the cache (cacheMaxAgeMs 0) reads the store, and records a store operation, a
  // lookup and a remaining lifetime, and a store span.
  const tracedMiss = new TokenManager({ store, telemetry: { api, meterProvider, tracerProvider }, cacheMaxAgeMs: 0 });
  const plainMiss = new TokenManager({ store, telemetry: false, cacheMaxAgeMs: 0 });
  const miss = await measurePair(
    ['with OpenTelemetry SDK', (i) => tracedMiss.accessToken(selectors[i % size] as { user: string })],
    ['telemetry: false', (i) => plainMiss.accessToken(selectors[i % size] as { user: string })],
  );
  printComparisons('OpenTelemetry overhead: accessToken reading the store (MemoryStore, no cache), median per call', [
    { what: 'accessToken({ user })', subject: miss.subject, anchor: miss.anchor },
  ]);
  await tracedMiss.close();
  await plainMiss.close();
  await traced.close();
  await plain.close();
  await store.close();
  await meterProvider.shutdown();
  await tracerProvider.shutdown();
  return { withSdk: subject, without: anchor, ratios: pairs.map(ratio) };
}
