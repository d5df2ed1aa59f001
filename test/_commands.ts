// Runs a command to completion for tests that drive npm, git, tsc or the CLI as a user would.
import { spawn } from 'node:child_process';
import { delimiter, dirname } from 'node:path';

export interface CommandResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

export interface CommandOptions {
  readonly cwd: string;
  readonly env?: NodeJS.ProcessEnv;
  /** Kill the command (and fail) past this; generous, since installs and builds are slow on a loaded machine. */
  readonly timeoutMs?: number;
  /** Resolve with a non-zero exit instead of rejecting. */
  readonly allowFailure?: boolean;
}

// npm hands its whole configuration to scripts as npm_* variables; a child npm would take the parent's project
// (npm_config_local_prefix, npm_package_*) for its own. Only settings a developer may set on purpose pass through.
const KEPT_NPM_VARIABLES = new Set([
  'npm_config_nodedir',
  'npm_config_cache',
  'npm_config_userconfig',
  'npm_config_globalconfig',
  'npm_config_registry',
]);

/**
 * The environment for a child command: npm's own variables removed, and the Node that runs the tests first on
 * PATH, so `npm`, `npx` and the scripts they start run on the same Node as the test.
 */
export function childEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (!name.toLowerCase().startsWith('npm_') || KEPT_NPM_VARIABLES.has(name.toLowerCase())) env[name] = value;
  }
  env.PATH = [dirname(process.execPath), process.env.PATH ?? ''].join(delimiter);
  return { ...env, ...extra };
}

const tail = (text: string): string => (text.length > 4_000 ? `…${text.slice(-4_000)}` : text);

export function runCommand(command: string, args: readonly string[], options: CommandOptions): Promise<CommandResult> {
  const timeoutMs = options.timeoutMs ?? 300_000;
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: options.cwd, env: options.env ?? childEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.once('close', (code) => {
      clearTimeout(timer);
      const shown = `${command} ${args.join(' ')} (in ${options.cwd})`;
      if (timedOut) return reject(new Error(`${shown} did not finish within ${timeoutMs} ms\n${tail(stdout)}\n${tail(stderr)}`));
      if (code !== 0 && !options.allowFailure) {
        return reject(new Error(`${shown} exited with ${code}\nstdout: ${tail(stdout)}\nstderr: ${tail(stderr)}`));
      }
      resolve({ code, stdout, stderr });
    });
  });
}
