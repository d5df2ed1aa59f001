import { spawn } from 'node:child_process';

export interface ProcessResult {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs a compiled script (path relative to the repo root, e.g. `dist/test/stores/_file-worker.js`) in a child process. */
export function runNode(script: string, args: readonly string[] = [], env: NodeJS.ProcessEnv = {}, cwd?: string): Promise<ProcessResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script, ...args], { cwd, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('error', reject);
    child.once('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

/** Runs `count` copies of a script at once, the i-th with `argsOf(i)`; rejects if any exits non-zero. */
export async function runWorkers(script: string, count: number, argsOf: (i: number) => readonly string[]): Promise<ProcessResult[]> {
  const results = await Promise.all(Array.from({ length: count }, (_, i) => runNode(script, argsOf(i))));
  const failed = results.find((result) => result.code !== 0);
  if (failed) throw new Error(`a worker failed (exit ${failed.code}, signal ${failed.signal}): ${failed.stderr.slice(0, 2_000)}`);
  return results;
}
