import {
  Agent,
  Usage,
  run,
  setTracingDisabled,
  setTraceProcessors,
  tool,
  withGenerationSpan,
  type Model,
  type ModelRequest,
  type ModelResponse,
  type StreamEvent,
} from '@openai/agents';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { HistoryTracingProcessor } from '../../src/adapters/openai-agents/index.js';
import type { ExecutionStore } from '../../src/index.js';
import { executionsOf, openRowsFixture } from '../helpers/middleware-rows.js';
import {
  BROKEN_ARGS,
  FIRST_USAGE,
  SECOND_USAGE,
  WEATHER_ARGS,
  broken,
  expectTwoToolRun,
  pause,
  weather,
} from './two-tool-run.js';

let store: ExecutionStore;
let db: pg.Pool;
let spoolDir: () => Promise<string>;

beforeAll(async () => {
  ({ store, db, spoolDir } = await openRowsFixture());
});
afterAll(() => {
  setTraceProcessors([]);
  setTracingDisabled(true);
});

const MODEL = 'scripted-model-1';
const REDACTED = 'Tool execution failed. Error details are redacted.';

function usage(counts: { inputTokens: number; outputTokens: number }): Usage {
  return new Usage({
    requests: 1,
    inputTokens: counts.inputTokens,
    outputTokens: counts.outputTokens,
    totalTokens: counts.inputTokens + counts.outputTokens,
  });
}

/**
 * A scripted `Model`: two tool calls, then an answer, each call taking a while. Like the SDK's own
 * models it reports each call in a generation span (input, model, usage).
 */
class ScriptedModel implements Model {
  private calls = 0;
  constructor(private readonly failWith?: Error) {}

  async getResponse(request: ModelRequest): Promise<ModelResponse> {
    return withGenerationSpan(async (span) => {
      this.calls++;
      span.spanData.model = MODEL;
      span.spanData.input =
        typeof request.input === 'string'
          ? [{ role: 'user', content: request.input }]
          : (request.input as Array<Record<string, unknown>>);
      await pause();
      if (this.failWith !== undefined) throw this.failWith;
      const response = this.calls === 1 ? toolCalls() : answer();
      span.spanData.usage = {
        input_tokens: response.usage.inputTokens,
        output_tokens: response.usage.outputTokens,
      };
      return response;
    });
  }

  async *getStreamedResponse(request: ModelRequest): AsyncIterable<StreamEvent> {
    const response = await this.getResponse(request);
    yield {
      type: 'response_done',
      response: {
        id: response.responseId ?? 'resp',
        usage: {
          requests: 1,
          inputTokens: response.usage.inputTokens,
          outputTokens: response.usage.outputTokens,
          totalTokens: response.usage.totalTokens,
        },
        output: response.output as never,
      },
    };
  }
}

function toolCalls(): ModelResponse {
  return {
    usage: usage(FIRST_USAGE),
    responseId: 'resp_1',
    output: [
      {
        type: 'function_call',
        callId: 'call_1',
        name: 'weather',
        arguments: JSON.stringify(WEATHER_ARGS),
        status: 'completed',
      },
      {
        type: 'function_call',
        callId: 'call_2',
        name: 'broken',
        arguments: JSON.stringify(BROKEN_ARGS),
        status: 'completed',
      },
    ],
  };
}

function answer(): ModelResponse {
  return {
    usage: usage(SECOND_USAGE),
    responseId: 'resp_2',
    output: [
      {
        type: 'message',
        role: 'assistant',
        status: 'completed',
        content: [{ type: 'output_text', text: 'Sunny, 21 degrees.' }],
      },
    ],
  };
}

function scenarioAgent(model: Model, keepErrors = false): Agent {
  return new Agent({
    name: 'helper',
    instructions: 'Answer with the tools.',
    model,
    tools: [
      tool({
        name: 'weather',
        description: 'The weather in a city',
        parameters: z.object({ city: z.string() }),
        execute: async (args) => weather(args),
      }),
      tool({
        name: 'broken',
        description: 'Always fails',
        parameters: z.object({ x: z.number() }),
        execute: async (): Promise<string> => broken(),
        // The SDK redacts a tool's error unless the tool says what the model may see.
        ...(keepErrors ? { errorFunction: (_ctx: unknown, error: unknown) => String(error) } : {}),
      }),
    ],
  });
}

// The SDK turns tracing off by default when NODE_ENV is 'test' (as under vitest).
setTracingDisabled(false);

async function withProcessor(): Promise<HistoryTracingProcessor> {
  const processor = new HistoryTracingProcessor({ store, spoolDir: await spoolDir() });
  setTraceProcessors([processor]);
  return processor;
}

describe('HistoryTracingProcessor (OpenAI Agents SDK 0.20)', () => {
  it('records a run with two tools, one failing (its error as the SDK reports it)', async () => {
    const processor = await withProcessor();
    const goal = 'openai-agents: weather in Paris?';
    const result = await run(scenarioAgent(new ScriptedModel()), goal);
    expect(result.finalOutput).toBe('Sunny, 21 degrees.');
    await processor.forceFlush();
    await expectTwoToolRun(db, goal, { model: MODEL, brokenError: REDACTED });
    await processor.shutdown();
  });

  it('keeps the error text when the tool sets errorFunction', async () => {
    const processor = await withProcessor();
    const goal = 'openai-agents errorFunction: weather in Paris?';
    await run(scenarioAgent(new ScriptedModel(), true), goal);
    await processor.forceFlush();
    await expectTwoToolRun(db, goal, { model: MODEL });
    await processor.shutdown();
  });

  it('records a streamed run when the stream has been read', async () => {
    const processor = await withProcessor();
    const goal = 'openai-agents streamed: weather in Paris?';
    const stream = await run(scenarioAgent(new ScriptedModel()), goal, { stream: true });
    for await (const event of stream) expect(event).toBeDefined();
    await stream.completed;
    expect(stream.finalOutput).toBe('Sunny, 21 degrees.');
    await processor.forceFlush();
    await expectTwoToolRun(db, goal, { model: MODEL, brokenError: REDACTED });
    await processor.shutdown();
  });

  it('records a failed non-streamed run as a failure although the SDK leaves its trace open', async () => {
    const processor = await withProcessor();
    const goal = 'openai-agents failing model';
    await expect(
      run(scenarioAgent(new ScriptedModel(new Error('model unavailable'))), goal),
    ).rejects.toThrow('model unavailable');
    await processor.forceFlush();
    const [execution] = await executionsOf(db, goal);
    expect(execution).toMatchObject({ success: false });
    expect(execution.error).toContain('model unavailable');
    await processor.shutdown();
  });
});
