// util.inspect at any depth of every public object that holds the store — the store, a handle, a
// recorder, the store's sanitizer, adapters — never shows the database password (issue 10 item 17
// at depth: the sanitizer kept a copy of the store's options, connection string included).
import { EventEmitter } from 'node:events';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { inspect } from 'node:util';
import { expect, inject, it } from 'vitest';
import { HistoryCallbackHandler } from '../src/adapters/langchain/index.js';
import { HistorySpanProcessor } from '../src/adapters/otel/index.js';
import { ExecutionStore, attachExecutionHistory, createRunRecorder } from '../src/index.js';
import { createTestDatabase } from './helpers/db.js';

it('no public object shows the password, however deep it is inspected', async () => {
  const password = inject('pgPassword');
  const store = await ExecutionStore.open({ connectionString: await createTestDatabase() });
  const dir = await mkdtemp(path.join(tmpdir(), 'adv-inspect-'));
  const handle = attachExecutionHistory(new EventEmitter(), { store, spoolDir: dir });
  const recorder = createRunRecorder({ store, spoolDir: `${dir}-r`, redactKeys: ['ssn'] });
  const objects = {
    store,
    handle,
    recorder,
    sanitizer: store.sanitizer,
    langchain: new HistoryCallbackHandler(recorder),
    otel: new HistorySpanProcessor(recorder),
  };
  for (const [name, value] of Object.entries(objects)) {
    // showHidden too: pg keeps the password as a hidden property of its pool's options, which
    // the writer's sink reached until it got an inspect of its own.
    for (const options of [
      {},
      { depth: 4 },
      { depth: Infinity },
      { depth: 12, showHidden: true },
    ]) {
      // The test setup fails the file if the password is printed: check the text, never print it.
      const text = inspect(value, options);
      expect(text.includes(password), `${name} ${JSON.stringify(options)}`).toBe(false);
    }
  }
  expect(JSON.stringify(store.sanitizer.options).includes(password)).toBe(false);
  await handle.close();
  await recorder.close();
  await store.close();
});
