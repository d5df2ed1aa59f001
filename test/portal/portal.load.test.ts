// 100,000 sign-in starts without a session, as a flood would send them: the portal keeps at most
// MAX_PENDING_SIGN_INS pending sign-ins (about 3 MB), its heap stops growing once that bound is reached, and the
// last requests are answered as fast as the first. Only ratios are asserted, with wide margins, so a slower machine
// passes too.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { startDemo } from '../../examples/portal/demo.js';
import { MAX_PENDING_SIGN_INS } from '../../examples/portal/pending-sign-ins.js';

const TOTAL = 100_000;
const BATCH = 5_000;
const CONCURRENCY = 16;

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/** The heap in use once garbage is collected: what the process keeps. */
function retainedHeap(): number {
  for (let i = 0; i < 3; i += 1) gc();
  return process.memoryUsage().heapUsed;
}

function get(agent: Agent, url: URL): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(url, { agent }, (response) => {
      response.resume();
      response.once('end', () => resolve(response.statusCode ?? 0));
    });
    req.once('error', reject);
    req.end();
  });
}

/** Sends `count` requests, CONCURRENCY at a time; resolves with each one's latency (ms), and checks every status. */
async function batch(agent: Agent, url: URL, count: number): Promise<number[]> {
  const latencies: number[] = [];
  let next = 0;
  const worker = async () => {
    while (next < count) {
      next += 1;
      const started = performance.now();
      const status = await get(agent, url);
      latencies.push(performance.now() - started);
      if (status !== 303) throw new Error(`a sign-in start answered ${status}`);
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  return latencies;
}

const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] as number;
const p95 = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length * 0.95)] as number;

test(`${TOTAL.toLocaleString('en')} unauthenticated sign-in starts: bounded memory, flat latency`, { timeout: 900_000 }, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'portal-load-'));
  let lines = 0;
  const demo = await startDemo({ port: 0, storeLocation: join(dir, 'zohooauth.db'), log: () => void (lines += 1) });
  const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  try {
    const url = new URL(`${demo.portal.url}/sign-in`);
    await batch(agent, url, 2_000); // warm-up: JIT, sockets
    const batches: Array<{ wallMs: number; median: number; p95: number }> = [];
    let heapAtBound = 0;
    for (let sent = 0; sent < TOTAL; sent += BATCH) {
      const started = performance.now();
      const latencies = await batch(agent, url, BATCH);
      batches.push({ wallMs: performance.now() - started, median: median(latencies), p95: p95(latencies) });
      // Two batches fill the bound (10,000): from then on, nothing more may be kept.
      if (sent + BATCH === 2 * BATCH) heapAtBound = retainedHeap();
      if (sent + BATCH >= MAX_PENDING_SIGN_INS) assert.equal(demo.portal.stats().pendingSignIns, MAX_PENDING_SIGN_INS);
    }
    const heapAtEnd = retainedHeap();
    const growthMb = (heapAtEnd - heapAtBound) / 2 ** 20;
    const [firstBatches, lastBatches] = [batches.slice(0, 3), batches.slice(-3)];
    const rate = (list: typeof batches) => median(list.map((b) => b.wallMs));
    const latency = (list: typeof batches) => median(list.map((b) => b.median));
    t.diagnostic(
      `pending sign-ins: ${demo.portal.stats().pendingSignIns} (bound ${MAX_PENDING_SIGN_INS}); sessions: ${demo.portal.stats().sessions}; log lines: ${lines}`,
    );
    t.diagnostic(
      `retained heap: ${(heapAtBound / 2 ** 20).toFixed(1)} MB at the bound, ${(heapAtEnd / 2 ** 20).toFixed(1)} MB after ${TOTAL} (growth ${growthMb.toFixed(1)} MB); rss ${(process.memoryUsage().rss / 2 ** 20).toFixed(0)} MB`,
    );
    t.diagnostic(
      `batch of ${BATCH}: first ${rate(firstBatches).toFixed(0)} ms, last ${rate(lastBatches).toFixed(0)} ms; median latency first ${latency(firstBatches).toFixed(2)} ms, last ${latency(lastBatches).toFixed(2)} ms; p95 last ${median(lastBatches.map((b) => b.p95)).toFixed(2)} ms`,
    );

    assert.equal(demo.portal.stats().pendingSignIns, MAX_PENDING_SIGN_INS, 'at most the bound is kept');
    assert.equal(demo.portal.stats().sessions, 0);
    // 80,000 more sign-in starts after the bound was reached: kept memory stays put (an unbounded map would add ~25 MB).
    assert.ok(growthMb < 8, `the heap grew ${growthMb.toFixed(1)} MB after the bound was reached`);
    assert.ok(rate(lastBatches) < 3 * rate(firstBatches), 'the last batches take no longer than three times the first');
    assert.ok(latency(lastBatches) < 3 * latency(firstBatches), 'the median latency of the last batches is within three times the first');
  } finally {
    agent.destroy();
    await demo.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
