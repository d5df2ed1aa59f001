/**
 * The second half of every store's `open`: runs the new store's first step (connect, create its tables, check its
 * file) and resolves to the store; when the step fails, the store is closed, releasing what it opened, and the
 * step's error is the rejection.
 */
export async function openOrClose<S extends { close(): Promise<void> }>(store: S, start: () => Promise<unknown>): Promise<S> {
  try {
    await start();
  } catch (error) {
    await store.close();
    throw error;
  }
  return store;
}
