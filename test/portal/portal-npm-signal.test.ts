// `npm run portal`, then a signal: SIGTERM to npm itself (what `kill <npm's pid>` sends), and SIGINT to npm's
// process group (what Ctrl-C in a terminal does). Every process npm started stops, and the portal stops cleanly (it
// says so) rather than being left running with no parent. npm runs the script through `sh -c "npm run build && node
// …"` and passes a signal on to that shell only; the shell dies of SIGTERM without passing it on, so the portal has
// to notice its parent is gone. (SIGINT to npm's pid alone never reaches the portal: the shell, as POSIX shells do,
// waits for its child before acting on SIGINT. The README says so.)
// Each run builds the project first (that is what `npm run portal` does): it rewrites dist/ with the same content.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';

/** Every process on this machine and its parent, from /proc (Linux). */
function parents(): Map<number, number> {
  const byPid = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // pid (comm) state ppid …: comm may hold spaces and parentheses, so read after the last ')'.
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      byPid.set(Number(entry), ppid);
    } catch {
      // the process ended while we looked
    }
  }
  return byPid;
}

/** The pids of every process below `root`. */
function descendants(root: number): number[] {
  const byPid = parents();
  const found: number[] = [];
  const queue = [root];
  while (queue.length > 0) {
    const parent = queue.shift() as number;
    for (const [pid, ppid] of byPid) {
      if (ppid === parent) {
        found.push(pid);
        queue.push(pid);
      }
    }
  }
  return found;
}

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

async function until(what: string, check: () => boolean, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) assert.fail(`timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

const CASES = [
  { signal: 'SIGTERM', to: "npm's pid", group: false },
  { signal: 'SIGINT', to: "npm's process group (Ctrl-C)", group: true },
] as const;

for (const { signal, to, group } of CASES) {
  test(`${signal} to ${to}, running \`npm run portal\`: the portal stops cleanly and no process is left`, {
    skip: process.platform !== 'linux' && 'reads /proc',
    timeout: 600_000,
  }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'portal-npm-'));
    // Its own process group, as a terminal's foreground job has.
    const npm = spawn('npm', ['run', 'portal'], {
      env: { ...process.env, PORTAL_PORT: '0', PORTAL_STORE: `sqlite:${join(dir, 'zohooauth.db')}` },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    let stdout = '';
    let stderr = '';
    npm.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    npm.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<void>((resolve) => npm.once('exit', () => resolve()));
    let started: number[] = [];
    try {
      // The build comes first: allow for a slow machine.
      await until('the portal prints its URL', () => /portal \(emulator\): (http:\S+)/.test(stderr) || npm.exitCode !== null, 480_000);
      const url = /portal \(emulator\): (http:\S+)/.exec(stderr)?.[1];
      assert.ok(url, `npm run portal did not start the portal:\n${stderr.slice(-2_000)}`);
      assert.equal((await fetch(url)).status, 200);
      started = descendants(npm.pid as number);
      assert.ok(started.length >= 2, 'npm started a shell and the portal');

      process.kill(group ? -(npm.pid as number) : (npm.pid as number), signal);
      await exited;
      await until('every process npm started has ended', () => started.every((pid) => !alive(pid)), 60_000);
      await assert.rejects(fetch(url), TypeError, 'nothing listens any more');
      assert.match(stderr, /Stopping \((parent-exited|SIGTERM|SIGINT)\)/, 'the portal stopped cleanly, not killed');
      assert.ok(
        stdout
          .split('\n')
          .filter(Boolean)
          .every((line) => !line.startsWith('{') || typeof JSON.parse(line).time === 'string'),
        'the log stayed JSON lines',
      );
    } finally {
      for (const pid of [npm.pid as number, ...started]) if (alive(pid)) process.kill(pid, 'SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    }
  });
}
