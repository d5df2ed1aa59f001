import { spawn, type ChildProcess } from 'node:child_process';

/** A child process whose stdout lines can be awaited one by one, and that can be killed at a chosen moment. */
export class Child {
  readonly process: ChildProcess;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>;
  readonly #lines: string[] = [];
  readonly #waiters: Array<(line: string) => void> = [];

  constructor(script: string, args: readonly string[]) {
    this.process = spawn(process.execPath, [script, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let buffered = '';
    let stderr = '';
    this.process.stdout?.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      let end: number;
      while ((end = buffered.indexOf('\n')) >= 0) {
        const line = buffered.slice(0, end);
        buffered = buffered.slice(end + 1);
        const waiter = this.#waiters.shift();
        if (waiter) waiter(line);
        else this.#lines.push(line);
      }
    });
    this.process.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    this.exited = new Promise((resolve) => this.process.once('close', (code, signal) => resolve({ code, signal, stderr })));
  }

  /** The next stdout line; rejects if the child exits first or `timeoutMs` passes. */
  nextLine(timeoutMs = 20_000): Promise<string> {
    const line = this.#lines.shift();
    if (line !== undefined) return Promise.resolve(line);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no line from the child in time')), timeoutMs);
      void this.exited.then(({ code, signal, stderr }) => {
        clearTimeout(timer);
        reject(new Error(`the child exited (code ${code}, signal ${signal}) before a line: ${stderr.slice(0, 2_000)}`));
      });
      this.#waiters.push((next) => {
        clearTimeout(timer);
        resolve(next);
      });
    });
  }

  async kill(): Promise<void> {
    this.process.kill('SIGKILL');
    await this.exited;
  }
}
