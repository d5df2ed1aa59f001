// The bench harness: every figure is a median over batches, printed beside its anchor measured in the same run.

export interface MeasureOptions {
  /** Batches to take the median over. */
  readonly batches?: number;
  /** Operations per batch; by default chosen so a batch lasts about `targetBatchMs`. */
  readonly perBatch?: number;
  readonly targetBatchMs?: number;
}

export interface Measurement {
  readonly label: string;
  /** Median nanoseconds per operation. */
  readonly medianNs: number;
  /** The spread: the first and third quartiles of the batches' ns per operation (absent where made by hand). */
  readonly lowNs?: number;
  readonly highNs?: number;
  readonly operations: number;
}

/** Median and quartiles of batch samples (sorted here). */
function summary(label: string, samples: number[], operations: number): Measurement {
  samples.sort((a, b) => a - b);
  const at = (q: number) => samples[Math.min(samples.length - 1, Math.floor(samples.length * q))] ?? NaN;
  return { label, medianNs: at(0.5), lowNs: at(0.25), highNs: at(0.75), operations };
}

type Operation = (i: number) => unknown;

const isThenable = (value: unknown): value is PromiseLike<unknown> => typeof (value as PromiseLike<unknown> | null)?.then === 'function';

async function runBatch(op: Operation, count: number, offset: number): Promise<number> {
  const start = process.hrtime.bigint();
  for (let i = 0; i < count; i += 1) {
    const result = op(offset + i);
    if (isThenable(result)) await result;
  }
  return Number(process.hrtime.bigint() - start) / count;
}

/** Median cost of one call of `op` (awaited when it returns a promise). `op(i)` gets a running index. */
export async function measure(label: string, op: Operation, options: MeasureOptions = {}): Promise<Measurement> {
  const batches = options.batches ?? 21;
  let perBatch = options.perBatch;
  if (perBatch === undefined) {
    const probeNs = await runBatch(op, 200, 0);
    const target = (options.targetBatchMs ?? 20) * 1e6;
    perBatch = Math.max(1, Math.min(200_000, Math.round(target / Math.max(probeNs, 1))));
  }
  for (let i = 0; i < 2; i += 1) await runBatch(op, perBatch, 0); // warm-up
  const samples: number[] = [];
  for (let b = 0; b < batches; b += 1) samples.push(await runBatch(op, perBatch, b * perBatch));
  return summary(label, samples, batches * perBatch);
}

async function batchSizeFor(op: Operation, options: MeasureOptions): Promise<number> {
  if (options.perBatch !== undefined) return options.perBatch;
  const probeNs = await runBatch(op, 200, 0);
  const target = (options.targetBatchMs ?? 20) * 1e6;
  return Math.max(1, Math.min(200_000, Math.round(target / Math.max(probeNs, 1))));
}

/**
 * Measures a subject and its anchor in alternating batches, so that both see the same machine conditions
 * (other load, CPU frequency) and their ratio stays meaningful on a busy machine.
 */
export async function measurePair(
  subject: readonly [string, Operation],
  anchor: readonly [string, Operation],
  options: MeasureOptions = {},
): Promise<{ subject: Measurement; anchor: Measurement }> {
  const batches = options.batches ?? 21;
  const [subjectLabel, subjectOp] = subject;
  const [anchorLabel, anchorOp] = anchor;
  const subjectPer = await batchSizeFor(subjectOp, options);
  const anchorPer = await batchSizeFor(anchorOp, options);
  for (let i = 0; i < 2; i += 1) {
    await runBatch(subjectOp, subjectPer, 0);
    await runBatch(anchorOp, anchorPer, 0);
  }
  const subjectSamples: number[] = [];
  const anchorSamples: number[] = [];
  for (let b = 0; b < batches; b += 1) {
    subjectSamples.push(await runBatch(subjectOp, subjectPer, b * subjectPer));
    anchorSamples.push(await runBatch(anchorOp, anchorPer, b * anchorPer));
  }
  return {
    subject: summary(subjectLabel, subjectSamples, batches * subjectPer),
    anchor: summary(anchorLabel, anchorSamples, batches * anchorPer),
  };
}

export function formatNs(ns: number): string {
  if (ns < 1_000) return `${ns.toFixed(0)} ns`;
  if (ns < 1_000_000) return `${(ns / 1_000).toFixed(2)} µs`;
  return `${(ns / 1_000_000).toFixed(2)} ms`;
}

export interface ComparisonRow {
  readonly what: string;
  readonly subject: Measurement;
  readonly anchor: Measurement;
  /** A goal on subject/anchor, e.g. `{ max: 5 }` for "within 5× of the anchor"; `{ min: 100 }` for "100× faster". */
  readonly goal?: { readonly maxRatio?: number; readonly minSpeedup?: number };
}

// Every ratio printed in this process, by table and row, for the spread over runs (`--runs N`).
const printedRatios = new Map<string, { ratios: number[]; goal: ComparisonRow['goal'] }>();

/** Prints subject and anchor side by side with their ratio, and whether the goal holds. */
export function printComparisons(title: string, rows: readonly ComparisonRow[]): void {
  console.log(`\n## ${title}`);
  const lines = rows.map((row) => {
    const ratio = row.subject.medianNs / row.anchor.medianNs;
    const key = `${title} — ${row.what}, ${row.subject.label} vs ${row.anchor.label}`;
    const seen = printedRatios.get(key) ?? { ratios: [], goal: row.goal };
    seen.ratios.push(ratio);
    printedRatios.set(key, seen);
    let verdict = '';
    if (row.goal?.maxRatio !== undefined) verdict = `${ratio <= row.goal.maxRatio ? 'ok' : 'MISSED'} (goal ≤ ${row.goal.maxRatio}×)`;
    if (row.goal?.minSpeedup !== undefined) {
      const speedup = 1 / ratio;
      verdict = `${speedup >= row.goal.minSpeedup ? 'ok' : 'MISSED'} (goal ≥ ${row.goal.minSpeedup}× faster)`;
    }
    return [
      row.what,
      `${row.subject.label} ${formatNs(row.subject.medianNs)}`,
      `${row.anchor.label} ${formatNs(row.anchor.medianNs)}`,
      `${ratio >= 0.1 ? ratio.toFixed(2) : ratio.toPrecision(2)}×`,
      verdict,
    ];
  });
  const widths = [0, 1, 2, 3].map((c) => Math.max(...lines.map((line) => (line[c] ?? '').length)));
  for (const line of lines)
    console.log(
      line
        .map((cell, c) => cell.padEnd(widths[c] ?? 0))
        .join('  ')
        .trimEnd(),
    );
}

/** Prints plain figures (no anchor), e.g. counts. */
export function printFigures(title: string, rows: ReadonlyArray<readonly [string, string]>): void {
  console.log(`\n## ${title}`);
  const width = Math.max(...rows.map(([label]) => label.length));
  for (const [label, value] of rows) console.log(`${label.padEnd(width)}  ${value}`);
}

/**
 * After several runs of the same sections: each row's ratio as the median over the runs, with the lowest and
 * highest, and in how many runs its goal held.
 */
export function printRatiosOverRuns(runs: number): void {
  console.log(`\n## Ratios over ${runs} runs (median, lowest–highest)`);
  for (const [row, { ratios, goal }] of printedRatios) {
    const sorted = [...ratios].sort((a, b) => a - b);
    const median = sorted[Math.floor(sorted.length / 2)] ?? NaN;
    const met = goal?.maxRatio !== undefined ? ratios.filter((ratio) => ratio <= (goal.maxRatio ?? Infinity)).length : null;
    const metSpeedup = goal?.minSpeedup !== undefined ? ratios.filter((ratio) => 1 / ratio >= (goal.minSpeedup ?? 0)).length : null;
    const verdict =
      met !== null
        ? `  goal ≤ ${goal?.maxRatio}× held in ${met} of ${ratios.length}`
        : metSpeedup !== null
          ? `  goal ≥ ${goal?.minSpeedup}× faster held in ${metSpeedup} of ${ratios.length}`
          : '';
    console.log(`${row}: ${median.toFixed(2)}× (${sorted[0]?.toFixed(2)}–${sorted.at(-1)?.toFixed(2)}×)${verdict}`);
  }
}
