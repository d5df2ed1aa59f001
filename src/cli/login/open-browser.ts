import { spawn } from 'node:child_process';

/**
 * Opens a URL in the user's browser: `$BROWSER` when set (the usual convention; also how the tests click through
 * the emulator), else the platform's opener. Resolves to false when nothing could be started; the caller has
 * printed the URL, so the user can open it by hand. Written here rather than taken from a package: three
 * commands and a spawn do it.
 */
export function openBrowser(url: string, env: NodeJS.ProcessEnv): Promise<boolean> {
  const [command, args] = env.BROWSER
    ? [env.BROWSER, [url]]
    : process.platform === 'darwin'
      ? ['open', [url]]
      : process.platform === 'win32'
        ? ['cmd', ['/c', 'start', '""', url.replace(/&/g, '^&')]]
        : ['xdg-open', [url]];
  return new Promise((resolve) => {
    const child = spawn(command, args, { stdio: 'ignore', detached: true, env });
    child.once('error', () => resolve(false));
    child.once('spawn', () => {
      child.unref();
      resolve(true);
    });
  });
}
