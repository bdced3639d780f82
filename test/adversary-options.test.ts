// Sanitizer options of the wrong type or range are a ValidationError where they are given — at
// ExecutionStore.open, attachExecutionHistory, createRunRecorder — never a raw TypeError or
// SyntaxError later, and never a sanitizer that quietly redacts or truncates every value.
import { EventEmitter } from 'node:events';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  ExecutionStore,
  ValidationError,
  attachExecutionHistory,
  createJsonSanitizer,
  createRunRecorder,
} from '../src/index.js';
import { createTestDatabase } from './helpers/db.js';

const BAD: Array<[string, Record<string, unknown>]> = [
  ['redactKeys', { redactKeys: 'password' }],
  ['redactKeys', { redactKeys: ['ok', 42] }],
  ['redact', { redact: 'yes' }],
  ['maskValues', { maskValues: 'on' }],
  ['maskValues.patterns', { maskValues: { patterns: {} } }],
  ['maskValues.patterns[0].pattern', { maskValues: { patterns: [{ name: 'x', pattern: 'abc' }] } }],
  ['maskValues.patterns[0].name', { maskValues: { patterns: [{ pattern: /x/ }] } }],
  [
    'maskValues.patterns[0].hints',
    { maskValues: { patterns: [{ name: 'x', pattern: /x/, hints: 'x' }] } },
  ],
  ['maskValues.builtIn', { maskValues: { builtIn: 'no' } }],
  ['maxJsonBytes', { maxJsonBytes: Number.NaN }],
  ['maxJsonBytes', { maxJsonBytes: -1 }],
  ['maxJsonBytes', { maxJsonBytes: '65536' }],
  ['maxTextBytes', { maxTextBytes: Infinity }],
  ['maxDepth', { maxDepth: 0 }],
  ['maxDepth', { maxDepth: 2.5 }],
  ['onIssue', { onIssue: 'log' }],
];

describe('sanitizer options', () => {
  it.each(BAD)('createJsonSanitizer: %s', (field, options) => {
    const error = (() => {
      try {
        createJsonSanitizer(options as never);
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).field).toBe(field);
  });

  it('at the public entry points, before anything is written', async () => {
    const url = await createTestDatabase();
    for (const [field, options] of BAD.slice(0, 4)) {
      await expect(
        ExecutionStore.open({ connectionString: url, ...(options as object) }),
      ).rejects.toMatchObject({ code: 'VALIDATION', field });
    }
    const store = await ExecutionStore.open({ connectionString: url });
    const spoolDir = await mkdtemp(path.join(tmpdir(), 'adv-options-'));
    for (const [field, options] of BAD) {
      expect(() =>
        attachExecutionHistory(new EventEmitter(), { store, spoolDir, ...(options as object) }),
      ).toThrow(expect.objectContaining({ code: 'VALIDATION', field }));
      expect(() => createRunRecorder({ store, spoolDir, ...(options as object) })).toThrow(
        expect.objectContaining({ code: 'VALIDATION', field }),
      );
    }
    await store.close();
  });
});
