import { context, trace, SpanStatusCode } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import {
  BasicTracerProvider,
  type ReadableSpan,
  type Span,
  type SpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { LegacyOpenTelemetry, OpenTelemetry } from '@ai-sdk/otel';
import { generateText, streamText } from 'ai';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HistorySpanProcessor } from '../../src/adapters/otel/index.js';
import { createRunRecorder, type ExecutionStore } from '../../src/index.js';
import { executionsOf, openRowsFixture, toolsOf } from '../helpers/middleware-rows.js';
import { AI_SDK_MODEL, scenarioTools, scriptedModel, stopAfterAnswer } from './ai-sdk-scenario.js';
import {
  BROKEN_ARGS,
  BROKEN_MESSAGE,
  FIRST_USAGE,
  SECOND_USAGE,
  WEATHER_ARGS,
  WEATHER_RESULT,
  expectTwoToolRun,
  pause,
} from './two-tool-run.js';

let store: ExecutionStore;
let db: pg.Pool;
let spoolDir: () => Promise<string>;
const contextManager = new AsyncLocalStorageContextManager();

beforeAll(async () => {
  ({ store, db, spoolDir } = await openRowsFixture());
  context.setGlobalContextManager(contextManager.enable());
});
afterAll(() => {
  context.disable();
});

/** Every span event in order, to replay them into another processor. */
class Recording implements SpanProcessor {
  readonly events: Array<['start' | 'end', ReadableSpan]> = [];
  onStart(span: Span): void {
    this.events.push(['start', span]);
  }
  onEnd(span: ReadableSpan): void {
    this.events.push(['end', span]);
  }
  async forceFlush(): Promise<void> {}
  async shutdown(): Promise<void> {}
}

async function tracerWith(...processors: SpanProcessor[]) {
  const provider = new BasicTracerProvider({ spanProcessors: processors });
  return { provider, tracer: provider.getTracer('adapter-test') };
}

describe('HistorySpanProcessor', () => {
  it('records an AI SDK agent from its GenAI semantic-convention spans (@ai-sdk/otel)', async () => {
    const processor = new HistorySpanProcessor({ store, spoolDir: await spoolDir() });
    const { provider, tracer } = await tracerWith(processor);
    const goal = 'otel genai: weather in Paris?';
    const result = await generateText({
      model: scriptedModel(),
      prompt: goal,
      tools: scenarioTools,
      stopWhen: stopAfterAnswer,
      telemetry: { integrations: [new OpenTelemetry({ tracer })] },
    });
    expect(result.text).toBe('Sunny, 21 degrees.');
    await processor.forceFlush();
    await expectTwoToolRun(db, goal, { model: AI_SDK_MODEL });
    await provider.shutdown();
  });

  it('records a streamed AI SDK run when the stream is consumed', async () => {
    const processor = new HistorySpanProcessor({ store, spoolDir: await spoolDir() });
    const { provider, tracer } = await tracerWith(processor);
    const goal = 'otel genai streamed: weather in Paris?';
    const result = streamText({
      model: scriptedModel(),
      prompt: goal,
      tools: scenarioTools,
      stopWhen: stopAfterAnswer,
      telemetry: { integrations: [new OpenTelemetry({ tracer })] },
    });
    await processor.forceFlush();
    expect(await executionsOf(db, goal)).toEqual([]);
    let text = '';
    for await (const chunk of result.textStream) text += chunk;
    expect(text).toBe('Sunny, 21 degrees.');
    await processor.forceFlush();
    await expectTwoToolRun(db, goal, { model: AI_SDK_MODEL });
    await provider.shutdown();
  });

  it("records the AI SDK's ai.* spans (LegacyOpenTelemetry)", async () => {
    const processor = new HistorySpanProcessor({ store, spoolDir: await spoolDir() });
    const { provider, tracer } = await tracerWith(processor);
    const goal = 'otel ai.* spans: weather in Paris?';
    await generateText({
      model: scriptedModel(),
      prompt: goal,
      tools: scenarioTools,
      stopWhen: stopAfterAnswer,
      telemetry: { integrations: [new LegacyOpenTelemetry({ tracer })] },
    });
    await processor.forceFlush();
    await expectTwoToolRun(db, goal, { model: AI_SDK_MODEL });
    await provider.shutdown();
  });

  it('reads hand-written GenAI spans, and a replay of the same spans writes no duplicate', async () => {
    const recording = new Recording();
    const recorder = createRunRecorder({ store, spoolDir: await spoolDir() });
    const processor = new HistorySpanProcessor(recorder);
    const { provider, tracer } = await tracerWith(recording, processor);
    const goal = 'otel manual: weather in Paris?';
    // The operation name is given when the span starts, as the conventions ask.
    const agentAttributes = {
      'gen_ai.operation.name': 'invoke_agent',
      'gen_ai.input.messages': JSON.stringify([
        { role: 'system', parts: [{ type: 'text', content: 'be brief' }] },
        { role: 'user', parts: [{ type: 'text', content: goal }] },
      ]),
    };
    await tracer.startActiveSpan(
      'invoke_agent helper',
      { attributes: agentAttributes },
      async (agent) => {
        for (const usage of [FIRST_USAGE, SECOND_USAGE])
          await tracer.startActiveSpan(
            'chat gpt-test',
            { attributes: { 'gen_ai.operation.name': 'chat', 'gen_ai.request.model': 'gpt-test' } },
            async (chat) => {
              await pause();
              chat.setAttributes({
                'gen_ai.response.model': 'gpt-test-2025',
                'gen_ai.usage.input_tokens': usage.inputTokens,
                'gen_ai.usage.output_tokens': usage.outputTokens,
              });
              chat.end();
            },
          );
        const ok = tracer.startSpan('execute_tool weather', {
          attributes: {
            'gen_ai.operation.name': 'execute_tool',
            'gen_ai.tool.name': 'weather',
            'gen_ai.tool.call.id': 'call_a',
            'gen_ai.tool.call.arguments': JSON.stringify(WEATHER_ARGS),
          },
        });
        ok.setAttribute('gen_ai.tool.call.result', JSON.stringify(WEATHER_RESULT));
        ok.end();
        const failed = tracer.startSpan('execute_tool broken', {
          attributes: {
            'gen_ai.operation.name': 'execute_tool',
            'gen_ai.tool.name': 'broken',
            'gen_ai.tool.call.id': 'call_b',
            'gen_ai.tool.call.arguments': JSON.stringify(BROKEN_ARGS),
          },
        });
        failed.recordException(new Error(BROKEN_MESSAGE));
        failed.setStatus({ code: SpanStatusCode.ERROR, message: BROKEN_MESSAGE });
        failed.end();
        agent.end();
      },
    );
    await processor.forceFlush();
    const execution = await expectTwoToolRun(db, goal, { model: 'gpt-test-2025' });

    // The same spans again, as another process would replay them: a processor and recorder that
    // have never seen them.
    const replay = new HistorySpanProcessor({ store, spoolDir: await spoolDir() });
    for (const [kind, span] of recording.events)
      if (kind === 'start') replay.onStart(span as Span);
      else replay.onEnd(span);
    await replay.shutdown();
    expect(await executionsOf(db, goal)).toHaveLength(1);
    expect(await toolsOf(db, execution.execution_id as string)).toHaveLength(2);
    await recorder.close();
    await provider.shutdown();
  });

  it('records a tool span that ends after its agent span, in the same execution', async () => {
    const processor = new HistorySpanProcessor({ store, spoolDir: await spoolDir() });
    const { provider, tracer } = await tracerWith(processor);
    const goal = 'otel late tool';
    const agent = tracer.startSpan('invoke_agent', {
      attributes: { 'gen_ai.operation.name': 'invoke_agent', 'gen_ai.input.messages': goal },
    });
    const tool = tracer.startSpan(
      'execute_tool weather',
      {
        attributes: {
          'gen_ai.operation.name': 'execute_tool',
          'gen_ai.tool.name': 'weather',
          'gen_ai.tool.call.arguments': JSON.stringify(WEATHER_ARGS),
        },
      },
      trace.setSpan(context.active(), agent),
    );
    agent.end();
    await processor.forceFlush();
    tool.setAttribute('gen_ai.tool.call.result', JSON.stringify(WEATHER_RESULT));
    tool.end();
    await processor.forceFlush();
    const executions = await executionsOf(db, goal);
    expect(executions).toHaveLength(1);
    const tools = await toolsOf(db, executions[0]!.execution_id as string);
    expect(tools).toHaveLength(1);
    expect(tools[0]).toMatchObject({ tool_name: 'weather', success: true, result: WEATHER_RESULT });
    await provider.shutdown();
  });

  it('records a span whose GenAI attributes were set only after it started', async () => {
    const processor = new HistorySpanProcessor({ store, spoolDir: await spoolDir() });
    const { provider, tracer } = await tracerWith(processor);
    const goal = 'otel attributes after start';
    const span = tracer.startSpan('chat');
    span.setAttributes({
      'gen_ai.operation.name': 'chat',
      'gen_ai.input.messages': JSON.stringify([{ role: 'user', content: goal }]),
      'gen_ai.response.model': 'gpt-late',
      'gen_ai.usage.input_tokens': 3,
      'gen_ai.usage.output_tokens': 2,
    });
    span.end();
    await processor.forceFlush();
    const executions = await executionsOf(db, goal);
    expect(executions).toHaveLength(1);
    expect(executions[0]).toMatchObject({
      success: true,
      metadata: { model: 'gpt-late', usage: { inputTokens: 3, outputTokens: 2, totalTokens: 5 } },
    });
    await provider.shutdown();
  });
});
