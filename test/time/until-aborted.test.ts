import assert from 'node:assert/strict';
import { test } from 'node:test';
import { untilAborted } from '../../src/time/until-aborted.js';

test('untilAborted passes the work through: its value, or its error', async () => {
  assert.equal(await untilAborted(Promise.resolve(42), new AbortController().signal), 42);
  await assert.rejects(untilAborted(Promise.reject(new Error('work failed')), new AbortController().signal), /work failed/);
});

test('untilAborted rejects with the reason once the signal aborts, and the work goes on for whoever else waits', async () => {
  const controller = new AbortController();
  let finish: (value: string) => void = () => undefined;
  const work = new Promise<string>((resolve) => {
    finish = resolve;
  });
  const waited = untilAborted(work, controller.signal);
  controller.abort(new Error('caller gave up'));
  await assert.rejects(waited, /caller gave up/);
  finish('done');
  assert.equal(await work, 'done');
});

test('untilAborted with a signal aborted already rejects without a throw, so callers may chain on it', async () => {
  const controller = new AbortController();
  controller.abort(new Error('too late'));
  let result: Promise<number> | undefined;
  assert.doesNotThrow(() => {
    result = untilAborted(Promise.resolve(1), controller.signal);
  });
  await assert.rejects(result as Promise<number>, /too late/);
});
