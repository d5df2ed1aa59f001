import { watch, type FSWatcher } from 'node:fs';
import type { LockWakeChannel, LockWatch } from './wake-channel.js';
import { WakeHub } from './wake-hub.js';

/**
 * A wake channel for locks that live in files of one folder (a lock directory per token, or a signal file a
 * release writes): `fs.watch` on the folder, opened while someone waits and closed when nobody does. `wakes` maps a
 * changed file's name to the lock name it wakes, `'all'` for every waiter, or null to ignore it. Within one host the
 * kernel's file notifications (inotify, FSEvents, ReadDirectoryChangesW) see every process's changes; a folder that
 * cannot be watched leaves the waiters polling.
 */
export class DirectoryWakeChannel implements LockWakeChannel {
  readonly #hub = new WakeHub();
  readonly #directory: string;
  readonly #wakes: (filename: string) => string | 'all' | null;
  #watcher: FSWatcher | null = null;
  #watches = 0;
  #closed = false;

  constructor(directory: string, wakes: (filename: string) => string | 'all' | null) {
    this.#directory = directory;
    this.#wakes = wakes;
  }

  async watch(name: string): Promise<LockWatch | null> {
    if (this.#closed) return null;
    if (this.#watcher === null) {
      try {
        // persistent: false — a wait is what keeps the process alive, not the watcher.
        const watcher = watch(this.#directory, { persistent: false });
        watcher.on('change', (_event, filename) => {
          const woken = filename === null ? 'all' : this.#wakes(String(filename));
          if (woken === 'all') this.#hub.deliverAll();
          else if (woken !== null) this.#hub.deliver(woken);
        });
        watcher.on('error', () => this.#stop());
        this.#watcher = watcher;
        this.#hub.setLive(true);
      } catch {
        return null;
      }
    }
    this.#watches += 1;
    const watched = this.#hub.watch(name);
    let open = true;
    return {
      wait: (ms, signal) => watched.wait(ms, signal),
      close: () => {
        if (!open) return;
        open = false;
        watched.close();
        this.#watches -= 1;
        if (this.#watches === 0) this.#stop();
      },
    };
  }

  async close(): Promise<void> {
    this.#closed = true;
    this.#stop();
  }

  #stop(): void {
    this.#hub.setLive(false);
    this.#watcher?.close();
    this.#watcher = null;
  }
}
