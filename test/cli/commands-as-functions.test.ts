import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { CliError } from '../../src/cli/cli-error.js';
import type { CommandContext } from '../../src/cli/command-context.js';
import { deleteTokens } from '../../src/cli/commands/delete.js';
import { list } from '../../src/cli/commands/list.js';
import { migrate } from '../../src/cli/commands/migrate.js';
import { ExitCode } from '../../src/cli/exit-codes.js';
import type { Terminal } from '../../src/cli/terminal.js';
import { SQLiteStore } from '../../src/stores/sqlite/index.js';
import { OAuthToken } from '../../src/token/oauth-token.js';
import { tempDir, zohoValue } from './_cli.js';

/** A terminal that records what a command writes; `answers` are given to its questions in order. */
function recordingTerminal(options: { interactive?: boolean; answers?: string[] } = {}) {
  const out: string[] = [];
  const notes: string[] = [];
  const status: string[] = [];
  const answers = [...(options.answers ?? [])];
  const terminal: Terminal = {
    out: (line) => void out.push(line),
    note: (line) => void notes.push(line),
    writeStatus: (text) => void status.push(text),
    interactive: options.interactive ?? false,
    statusIsTTY: options.interactive ?? false,
    ask: async () => answers.shift() ?? '',
    env: {},
  };
  return { terminal, out, notes, status };
}

const NOW = Date.UTC(2030, 0, 1);

describe('commands are plain async functions (no process, no binary)', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  let source: string;
  before(async () => {
    ({ dir, cleanup } = await tempDir());
    source = join(dir, 'source.db');
    const store = await SQLiteStore.open({ path: source });
    await store.saveToken(
      new OAuthToken({
        userSignature: 'ada@example.com',
        clientId: '1000.C',
        clientSecret: 's',
        refreshToken: zohoValue(),
        accessToken: zohoValue(),
        expiresAt: NOW + 600_000,
      }),
    );
    await store.close();
  });
  after(() => cleanup());

  const context = (terminal: Terminal, store?: string): CommandContext => ({ terminal, settings: store ? { store } : {}, now: () => NOW });

  it('list writes its table through the terminal, with the clock it is given', async () => {
    const { terminal, out } = recordingTerminal();
    await list({}, context(terminal, `sqlite:${source}`));
    assert.equal(out.length, 2);
    assert.match(out[1] ?? '', /^1\s+ada@example\.com\s+1000\.C\s+-\s+valid \(in 10m\)$/);
  });

  it('migrate resolves to its summary and draws its bar only on a terminal', async () => {
    const piped = recordingTerminal();
    const summary = await migrate({ from: `sqlite:${source}`, to: `sqlite:${join(dir, 'a.db')}` }, context(piped.terminal));
    assert.deepEqual({ ...summary, failures: summary.failures.length }, { copied: 1, updated: 0, skipped: 0, failed: 0, failures: 0 });
    assert.deepEqual(piped.status, []);
    const tty = recordingTerminal({ interactive: true });
    await migrate({ from: `sqlite:${source}`, to: `sqlite:${join(dir, 'b.db')}` }, context(tty.terminal));
    assert.match(tty.status.join(''), /\rcopying \[#{30}\] 1\/1 100%\n$/);
  });

  it('delete --all throws a usage CliError without a terminal, and asks on one', async () => {
    const piped = recordingTerminal();
    await assert.rejects(
      deleteTokens(undefined, { all: true }, context(piped.terminal, `sqlite:${join(dir, 'a.db')}`)),
      (error: unknown) => {
        assert.ok(error instanceof CliError);
        assert.equal(error.exitCode, ExitCode.USAGE);
        return true;
      },
    );
    const declined = recordingTerminal({ interactive: true, answers: ['no'] });
    await assert.rejects(
      deleteTokens(undefined, { all: true }, context(declined.terminal, `sqlite:${join(dir, 'a.db')}`)),
      /Nothing was deleted/,
    );
    const confirmed = recordingTerminal({ interactive: true, answers: ['y'] });
    await deleteTokens(undefined, { all: true }, context(confirmed.terminal, `sqlite:${join(dir, 'a.db')}`));
    assert.deepEqual(confirmed.out, [`Deleted 1 token from sqlite:${join(dir, 'a.db')}.`]);
  });
});
