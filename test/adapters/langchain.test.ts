import { AIMessage } from '@langchain/core/messages';
import type { RunnableBinding } from '@langchain/core/runnables';
import { fakeModel, type FakeBuiltModel } from '@langchain/core/testing';
import { createReactAgent } from '@langchain/langgraph/prebuilt';
import { createAgent, tool } from 'langchain';
import type pg from 'pg';
import { beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { HistoryCallbackHandler } from '../../src/adapters/langchain/index.js';
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

const MODEL = 'fake-chat-1';

function usageMetadata(counts: { inputTokens: number; outputTokens: number }) {
  return {
    input_tokens: counts.inputTokens,
    output_tokens: counts.outputTokens,
    total_tokens: counts.inputTokens + counts.outputTokens,
  };
}

/** LangChain's fake chat model, scripted: two tool calls, then an answer; each call takes a while. */
function scriptedModel() {
  const model = fakeModel()
    .respond(
      new AIMessage({
        content: '',
        tool_calls: [
          { name: 'weather', args: WEATHER_ARGS, id: 'call_1', type: 'tool_call' },
          { name: 'broken', args: BROKEN_ARGS, id: 'call_2', type: 'tool_call' },
        ],
        usage_metadata: usageMetadata(FIRST_USAGE),
        response_metadata: { model_name: MODEL },
      }),
    )
    .respond(
      new AIMessage({
        content: 'Sunny, 21 degrees.',
        usage_metadata: usageMetadata(SECOND_USAGE),
        response_metadata: { model_name: MODEL },
      }),
    );
  // Each model call takes a while, so the execution's duration must cover them. The agent calls
  // the copy bindTools() makes (it shares the response queue), so that copy is slowed down.
  const bindTools = model.bindTools.bind(model);
  model.bindTools = (tools) => {
    const binding = bindTools(tools) as RunnableBinding<never, never>;
    const bound = binding.bound as unknown as FakeBuiltModel;
    const generate = bound._generate.bind(bound);
    bound._generate = async (...args) => {
      await pause();
      return generate(...args);
    };
    return binding;
  };
  return model;
}

function scenarioTools() {
  return [
    tool(async (args: { city: string }) => weather(args), {
      name: 'weather',
      description: 'The weather in a city',
      schema: z.object({ city: z.string() }),
    }),
    tool(async (): Promise<string> => broken(), {
      name: 'broken',
      description: 'Always fails',
      schema: z.object({ x: z.number() }),
    }),
  ];
}

function scenarioAgent() {
  return createAgent({ model: scriptedModel(), tools: scenarioTools() });
}

describe('HistoryCallbackHandler (LangChain 1.x createAgent)', () => {
  it('records an agent invoke with two tools, one failing', async () => {
    const handler = new HistoryCallbackHandler({ store, spoolDir: await spoolDir() });
    const goal = 'langchain: weather in Paris?';
    const result = await scenarioAgent().invoke(
      { messages: [{ role: 'user', content: goal }] },
      { callbacks: [handler] },
    );
    expect(result.messages.at(-1)?.content).toBe('Sunny, 21 degrees.');
    await handler.flush();
    await expectTwoToolRun(db, goal, { model: MODEL, weatherResult: WEATHER_ARGS_RESULT });
    await handler.close();
  });

  it('records a streamed agent run when the stream has been read', async () => {
    const handler = new HistoryCallbackHandler({ store, spoolDir: await spoolDir() });
    const goal = 'langchain streamed: weather in Paris?';
    const stream = await scenarioAgent().stream(
      { messages: [{ role: 'user', content: goal }] },
      { callbacks: [handler], streamMode: 'values' },
    );
    // LangGraph runs the graph as the stream is read (buffering ahead): the run ends with the
    // graph, after both model calls, which the duration check in expectTwoToolRun proves.
    let last: unknown;
    for await (const chunk of stream) last = chunk;
    expect(last).toBeDefined();
    await handler.flush();
    await expectTwoToolRun(db, goal, { model: MODEL, weatherResult: WEATHER_ARGS_RESULT });
    await handler.close();
  });
});

describe('HistoryCallbackHandler: a stream given up by its reader', () => {
  it('records the run as unfinished when the reader stops early', async () => {
    const handler = new HistoryCallbackHandler({ store, spoolDir: await spoolDir() });
    const goal = 'langchain stream abandoned';
    const stream = await scenarioAgent().stream(
      { messages: [{ role: 'user', content: goal }] },
      { callbacks: [handler], streamMode: 'values' },
    );
    for await (const chunk of stream) {
      expect(chunk).toBeDefined();
      break;
    }
    // The graph stops at its next step; its end reaches the handler then.
    for (let i = 0; i < 100 && (await executionsOf(db, goal)).length === 0; i++) {
      await pause();
      await handler.flush();
    }
    const [execution] = await executionsOf(db, goal);
    expect(execution).toMatchObject({ success: null, metadata: { _unfinished: true } });
    expect(execution.error).toContain('abandoned');
    await handler.close();
  });
});

describe('HistoryCallbackHandler (LangGraph prebuilt agent)', () => {
  it('records a createReactAgent run', async () => {
    const handler = new HistoryCallbackHandler({ store, spoolDir: await spoolDir() });
    const goal = 'langgraph: weather in Paris?';
    const agent = createReactAgent({ llm: scriptedModel(), tools: scenarioTools() });
    await agent.invoke({ messages: [{ role: 'user', content: goal }] }, { callbacks: [handler] });
    await handler.flush();
    await expectTwoToolRun(db, goal, { model: MODEL, weatherResult: WEATHER_ARGS_RESULT });
    await handler.close();
  });

  it('records a run whose graph fails as a failure with the error text', async () => {
    const handler = new HistoryCallbackHandler({ store, spoolDir: await spoolDir() });
    const goal = 'langgraph: model fails';
    const model = fakeModel().respond(new Error('model unavailable'));
    const agent = createReactAgent({ llm: model, tools: scenarioTools() });
    await expect(
      agent.invoke({ messages: [{ role: 'user', content: goal }] }, { callbacks: [handler] }),
    ).rejects.toThrow('model unavailable');
    await handler.flush();
    const [execution] = await executionsOf(db, goal);
    expect(execution).toMatchObject({ success: false });
    expect(execution.error).toContain('model unavailable');
    await handler.close();
  });
});

// LangChain tools return text: the weather tool's object arrives as its JSON.
const WEATHER_ARGS_RESULT = JSON.stringify(weather(WEATHER_ARGS));
