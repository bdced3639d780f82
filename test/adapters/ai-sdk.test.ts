import { generateText, registerTelemetry, streamText } from 'ai';
import type pg from 'pg';
import { beforeAll, describe, expect, it } from 'vitest';
import { historyTelemetry } from '../../src/adapters/ai-sdk/index.js';
import { attachExecutionHistory, instrument, type ExecutionStore } from '../../src/index.js';
import { executionsOf, openRowsFixture } from '../helpers/middleware-rows.js';
import { AI_SDK_MODEL, scenarioTools, scriptedModel, stopAfterAnswer } from './ai-sdk-scenario.js';
import { expectTwoToolRun } from './two-tool-run.js';

let store: ExecutionStore;
let db: pg.Pool;
let spoolDir: () => Promise<string>;

beforeAll(async () => {
  ({ store, db, spoolDir } = await openRowsFixture());
});

describe('historyTelemetry (AI SDK 7)', () => {
  it('records generateText with two tools, one failing', async () => {
    const telemetry = historyTelemetry({ store, spoolDir: await spoolDir() });
    const goal = 'ai-sdk: weather in Paris?';
    const result = await generateText({
      model: scriptedModel(),
      prompt: goal,
      tools: scenarioTools,
      stopWhen: stopAfterAnswer,
      telemetry: { integrations: [telemetry] },
    });
    expect(result.text).toBe('Sunny, 21 degrees.');
    await telemetry.flush();
    await expectTwoToolRun(db, goal, { model: AI_SDK_MODEL });
    await telemetry.close();
  });

  it('records streamText when the stream has been read, not when it returns', async () => {
    const telemetry = historyTelemetry({ store, spoolDir: await spoolDir() });
    const goal = 'ai-sdk streamed: weather in Paris?';
    const result = streamText({
      model: scriptedModel(),
      prompt: goal,
      tools: scenarioTools,
      stopWhen: stopAfterAnswer,
      telemetry: { integrations: [telemetry] },
    });
    await telemetry.flush();
    expect(await executionsOf(db, goal)).toEqual([]);
    let text = '';
    for await (const chunk of result.textStream) text += chunk;
    expect(text).toBe('Sunny, 21 degrees.');
    await telemetry.flush();
    await expectTwoToolRun(db, goal, { model: AI_SDK_MODEL });
    await telemetry.close();
  });

  it('records a stream whose model fails as a failure', async () => {
    const telemetry = historyTelemetry({ store, spoolDir: await spoolDir() });
    const goal = 'ai-sdk streamed failure';
    const model = scriptedModel();
    model.doStream = async () => {
      throw new Error('model unavailable');
    };
    const result = streamText({
      model,
      prompt: goal,
      telemetry: { integrations: [telemetry] },
      onError: () => undefined,
    });
    await result.consumeStream();
    await telemetry.flush();
    const [execution] = await executionsOf(db, goal);
    expect(execution).toMatchObject({ success: false });
    expect(execution.error).toContain('model unavailable');
    await telemetry.close();
  });

  it('shares the writer of an existing handle', async () => {
    const orchestrator = instrument({ process: async (goal: string) => ({ goal }) });
    const history = attachExecutionHistory(orchestrator, { store, spoolDir: await spoolDir() });
    const telemetry = historyTelemetry(history);
    const goal = 'ai-sdk shared handle';
    await generateText({
      model: scriptedModel(),
      prompt: goal,
      tools: scenarioTools,
      stopWhen: stopAfterAnswer,
      telemetry: { integrations: [telemetry] },
    });
    await telemetry.close();
    // The handle is not closed by the adapter: it still records its orchestrator's runs.
    await orchestrator.process('orchestrator run after the adapter closed');
    await history.close();
    await expectTwoToolRun(db, goal, { model: AI_SDK_MODEL });
    expect(await executionsOf(db, 'orchestrator run after the adapter closed')).toHaveLength(1);
  });

  it('records a failing generateText as a failure with the error text', async () => {
    const telemetry = historyTelemetry({ store, spoolDir: await spoolDir() });
    const goal = 'ai-sdk failing model';
    const model = scriptedModel();
    model.doGenerate = async () => {
      throw new Error('model unavailable');
    };
    await expect(
      generateText({
        model,
        prompt: goal,
        maxRetries: 0,
        telemetry: { integrations: [telemetry] },
      }),
    ).rejects.toThrow('model unavailable');
    await telemetry.flush();
    const [execution] = await executionsOf(db, goal);
    expect(execution).toMatchObject({ success: false });
    expect(execution.error).toContain('model unavailable');
    await telemetry.close();
  });

  it('records every call once registered globally with registerTelemetry', async () => {
    const telemetry = historyTelemetry({ store, spoolDir: await spoolDir() });
    registerTelemetry(telemetry);
    try {
      const goal = 'ai-sdk registered globally';
      await generateText({
        model: scriptedModel(),
        prompt: goal,
        tools: scenarioTools,
        stopWhen: stopAfterAnswer,
      });
      await telemetry.flush();
      await expectTwoToolRun(db, goal, { model: AI_SDK_MODEL });
    } finally {
      globalThis.AI_SDK_TELEMETRY_INTEGRATIONS = undefined;
      await telemetry.close();
    }
  });
});
