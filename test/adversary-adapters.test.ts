// An adapter's callback that meets a hostile input reports it as an `error` event: masked like
// every stored text (frameworks hand over prompts, headers and keys) and never thrown back into
// the framework, even when what was thrown cannot be read.
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect, it } from 'vitest';
import { HistoryCallbackHandler } from '../src/adapters/langchain/index.js';
import { HistoryError, createRunRecorder } from '../src/index.js';
import { openTestStore } from './helpers/db.js';

const KEY = 'sk-proj-Adv3rsaryAdapterK3y0123456789';
const chain = { lc: 1, type: 'not_implemented', id: ['probe'] } as never;

function throwing(thrown: () => unknown): object {
  return new Proxy(
    {},
    {
      get() {
        throw thrown();
      },
    },
  );
}

it('masks what a hostile input threw and never throws into the framework', async () => {
  const { store } = await openTestStore();
  const recorder = createRunRecorder({
    store,
    spoolDir: await mkdtemp(path.join(tmpdir(), 'adv-adapter-')),
  });
  const handler = new HistoryCallbackHandler(recorder);
  const events: unknown[] = [];
  recorder.on('error', (error) => events.push(error));

  await handler.handleChainStart(
    chain,
    throwing(() => new Error(`bad input ${KEY}`)) as never,
    'r1',
  );
  expect(events).toHaveLength(1);
  expect(events[0]).toBeInstanceOf(HistoryError);
  expect((events[0] as HistoryError).code).toBe('HANDLER');
  expect(String((events[0] as Error).message)).not.toContain('Adv3rsary');
  expect(JSON.stringify(events[0])).not.toContain('Adv3rsary');

  // A thrown value whose `message` getter throws, with and without a listener.
  const unreadable = () => ({
    get message(): string {
      throw new Error('unreadable');
    },
  });
  expect(() => handler.handleChainStart(chain, throwing(unreadable) as never, 'r2')).not.toThrow();
  recorder.removeAllListeners('error');
  expect(() => handler.handleChainStart(chain, throwing(unreadable) as never, 'r3')).not.toThrow();
  await recorder.close();
});
