// A dynalite for the benches, in a process of its own (bench/dynalite-server.ts) so its work is not measured with
// the client's.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** Starts a dynalite child process; resolves to its endpoint and a stop function (it ends when its stdin closes). */
export async function startDynalite(): Promise<{ endpoint: string; stop(): void }> {
  const child = spawn(process.execPath, [fileURLToPath(new URL('./dynalite-server.js', import.meta.url))], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const port = await new Promise<string>((resolve, reject) => {
    child.stdout.once('data', (chunk: Buffer) => resolve(chunk.toString().trim()));
    child.once('exit', () => reject(new Error('dynalite did not start')));
  });
  return { endpoint: `http://127.0.0.1:${port}`, stop: () => child.stdin.end() };
}
