// The real `zoho-tokens` binary through every command, failing invocations and --debug included: no stdout or
// stderr holds a token, a grant code, the client secret or the database password, except `show --reveal`, which
// prints the values because the user asked for them (and only then).
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { after, before, test } from 'node:test';
import { skipUnless } from '../_services.js';
import { TcpProxy } from '../_tcp-proxy.js';
import { officialFile, officialRow, tempDir, zoho, type CliResult } from '../cli/_cli.js';
import { fakeBrowser, startEmulator } from '../cli/_emulator-fixture.js';
import { PG_PASSWORD } from '../faults/_store-faults.js';
import { PG_CONNECTION, adminPool, dropSchema, uniqueName } from '../stores/_postgres.js';
import { LeakCheck } from './_leak-check.js';

const skipPostgres = await skipUnless('postgres');

let setup: Awaited<ReturnType<typeof startEmulator>>;
let dir: string;
let cleanup: () => Promise<void>;
let proxy: TcpProxy;
const schema = uniqueName('clihygiene');
before(async () => {
  setup = await startEmulator();
  ({ dir, cleanup } = await tempDir());
  proxy = await new TcpProxy(PG_CONNECTION.host, PG_CONNECTION.port).start();
});
after(async () => {
  await proxy.close();
  await setup.emulator.close();
  await cleanup();
  const admin = adminPool();
  await dropSchema(admin, schema);
  await admin.end();
});

test('every command, succeeding and failing, prints no secret; show --reveal prints them, and only it', {
  skip: skipPostgres,
}, async () => {
  const leaks = new LeakCheck();
  const sqlite = 'sqlite:./tokens.db';
  const postgres = `postgres://postgres:${encodeURIComponent(PG_PASSWORD)}@127.0.0.1:${proxy.port}/test?schema=${schema}`;
  const env = setup.env;
  leaks.secret(env.ZOHO_TOKENS_CLIENT_SECRET, PG_PASSWORD);

  /** Runs the binary, keeps its output for the check; `code` is the exit code it must end with. */
  const run = async (args: string[], code: number, extraEnv: NodeJS.ProcessEnv = env): Promise<CliResult> => {
    const result = await zoho(args, { cwd: dir, env: extraEnv });
    leaks.text(`zoho-tokens ${args.join(' ').replaceAll(PG_PASSWORD, '<pw>')} (stdout)`, result.stdout);
    leaks.text(`zoho-tokens ${args.join(' ').replaceAll(PG_PASSWORD, '<pw>')} (stderr)`, result.stderr);
    assert.equal(result.code, code, `${args.join(' ').replaceAll(PG_PASSWORD, '<pw>')}: ${result.stderr}`);
    return result;
  };
  /** `show --reveal --json`: the values, in clear because the user asked; they become the secrets to look for. */
  const reveal = async (store: string, id: string): Promise<Record<string, string | null>> => {
    const result = await zoho(['show', id, '--json', '--reveal', '--store', store], { cwd: dir, env });
    assert.equal(result.code, 0, result.stderr);
    const token = JSON.parse(result.stdout) as Record<string, string | null>;
    leaks.secret(token.accessToken, token.refreshToken, token.grantToken, token.clientSecret);
    assert.ok(token.accessToken && result.stdout.includes(token.accessToken), '--reveal prints the access token');
    return token;
  };

  // login with self-client grant codes, into SQLite and PostgreSQL
  for (const store of [sqlite, postgres]) {
    const code = setup.emulator.issueGrantCode({ client: setup.client, user: setup.user });
    leaks.secret(code);
    await run(['login', '--code', code, '--store', store], 0);
  }
  const grantReuse = setup.emulator.issueGrantCode({ client: setup.client, user: setup.user });
  leaks.secret(grantReuse);
  await run(['login', '--code', grantReuse, '--store', sqlite], 0);
  await run(['login', '--code', grantReuse, '--debug', '--store', sqlite], 4); // a used code: refused, with --debug
  await run(['login', '--code', 'not-a-real-code-0123456789', '--debug', '--store', sqlite], 4);
  // the browser flow (PKCE, local redirect receiver), with --debug
  const browser = await fakeBrowser(dir);
  await run(['login', '--open', '--debug', '--port', String(setup.port), '--store', 'sqlite:./browser.db'], 0, {
    ...env,
    BROWSER: browser,
  });
  await reveal('sqlite:./browser.db', '1');
  const first = await reveal(sqlite, '1');
  await reveal(postgres, '1');

  // list and show, masked
  for (const store of [sqlite, postgres]) {
    await run(['list', '--store', store], 0);
    await run(['list', '--json', '--store', store], 0);
    await run(['show', '1', '--store', store], 0);
    const json = await run(['show', setup.user.email, '--json', '--store', store], 0);
    assert.match(json.stdout, /\*\*\*\*/, 'secrets are masked without --reveal');
  }

  // refresh, doctor, migrate, import
  await run(['refresh', '1', '--store', sqlite], 0);
  await run(['refresh', '1', '--debug', '--store', postgres], 0);
  await reveal(sqlite, '1');
  await reveal(postgres, '1');
  await run(['doctor', '--store', sqlite], 0);
  await run(['doctor', '--store', postgres], 0);
  await run(['migrate', '--from', sqlite, '--to', postgres, '--dry-run'], 0);
  await run(['migrate', '--from', sqlite, '--to', postgres], 0);
  const rows = [officialRow(1), officialRow(2), officialRow(3)];
  for (const row of rows) leaks.secret(row.accessToken, row.refreshToken, row.grantToken, row.clientSecret);
  await writeFile(`${dir}/sdk_tokens.txt`, officialFile(rows), { mode: 0o600 });
  await run(['import', 'sdk_tokens.txt', '--to', 'sqlite:./imported.db'], 0);
  await run(['import', 'sdk_tokens.txt', '--to', postgres, '--debug'], 0);
  await run(['migrate', '--from', 'sqlite:./imported.db', '--to', sqlite], 0);

  // failing invocations: bad ids, a wrong store location, the database down, the accounts server failing
  await run(['show', '999', '--store', sqlite], 3);
  await run(['refresh', 'nobody@example.com', '--debug', '--store', sqlite], 3);
  await run(['list', '--store', 'nosuchscheme://user:pw@host/x'], 2);
  await run(['list', '--store', `postgres://postgres:${encodeURIComponent(PG_PASSWORD)}@127.0.0.1:1/test`], 5);
  await run(['list', '--debug', '--store', `postgres://postgres:${encodeURIComponent(PG_PASSWORD)}@127.0.0.1:1/test`], 5);
  await run(['list', '--store', `mysql://root:${encodeURIComponent(PG_PASSWORD)}@127.0.0.1:3306/test?nosuchoption=1`], 2);
  const mysqlWrongPassword = `mysql://root:${encodeURIComponent(PG_PASSWORD)}@127.0.0.1:3306/test`;
  const refused = await zoho(['list', '--debug', '--store', mysqlWrongPassword], { cwd: dir, env });
  leaks.text('list with a refused MySQL password (stdout)', refused.stdout);
  leaks.text('list with a refused MySQL password (stderr)', refused.stderr);
  assert.match(refused.stderr, /\[STORE_ACCESS_DENIED\]/);
  await proxy.cut();
  await run(['list', '--store', postgres], 5);
  await run(['refresh', '1', '--debug', '--store', postgres], 5);
  await run(['migrate', '--from', sqlite, '--to', postgres, '--debug'], 5);
  await run(['doctor', '--store', postgres], 1);
  await proxy.restore();
  setup.emulator.faults.failNext(100, 503);
  await run(['refresh', '1', '--debug', '--store', sqlite], 5);
  setup.emulator.faults.clear();
  setup.emulator.revokeRefreshToken(String(first.refreshToken));
  await run(['refresh', '1', '--debug', '--store', sqlite], 4);

  // revoke and delete
  await run(['revoke', '1', '--store', postgres], 0);
  await run(['revoke', '1', '--debug', '--store', sqlite], 0);
  await run(['delete', '2', '--store', sqlite], 0);
  await run(['delete', '--all', '--yes', '--store', postgres], 0);
  await run(['delete', '--all', '--store', postgres], 2);

  leaks.assertClean(10);
});
