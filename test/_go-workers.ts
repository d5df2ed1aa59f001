// Child processes that start, print "ready", wait for a "go" line, work, then print one JSON line: the shape of the
// tests where several processes must hit a shared store at the same moment.
import { spawn, type ChildProcess } from 'node:child_process';

export interface GoWorker<T> {
  readonly child: ChildProcess;
  /** Resolves once the worker printed "ready" (or ended). */
  readonly ready: Promise<void>;
  /** The exit code, the worker's JSON line (null if it printed none) and its stderr. */
  readonly done: Promise<{ code: number | null; result: T | null; stderr: string }>;
}

export function startGoWorker<T>(script: string, job: object): GoWorker<T> {
  const child = spawn(process.execPath, [script, JSON.stringify(job)], { stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  let markReady: () => void = () => {};
  const ready = new Promise<void>((resolveReady) => (markReady = resolveReady));
  child.stdout?.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
    if (stdout.includes('ready\n')) markReady();
  });
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const done = new Promise<{ code: number | null; result: T | null; stderr: string }>((resolveDone) => {
    child.once('close', (code) => {
      markReady();
      const line = stdout.split('\n').find((candidate) => candidate.startsWith('{'));
      resolveDone({ code, result: line ? (JSON.parse(line) as T) : null, stderr });
    });
  });
  return { child, ready, done };
}

/** Tells a worker to start. */
export const go = (worker: GoWorker<unknown>): void => void worker.child.stdin?.write('go\n');

/** In the worker: prints "ready" and resolves on the parent's "go" line. */
export async function readyThenGo(): Promise<void> {
  process.stdout.write('ready\n');
  await new Promise<void>((resolve) => {
    process.stdin.setEncoding('utf8');
    process.stdin.on('data', (chunk: string) => {
      if (chunk.includes('go')) resolve();
    });
  });
  process.stdin.pause();
}
