/**
 * A run whose output is a stream ends when the stream does: consumed to the end (success), failed
 * (error) or given up by its consumer (abandoned: `break` out of `for await`, `cancel()`, a
 * destroyed Node stream). These helpers watch the three stream shapes a `process()` may return
 * and call back exactly once.
 */

export interface StreamOutcome {
  end(): void;
  error(error: unknown): void;
  abandon(reason: string): void;
}

type Listener = (...args: unknown[]) => void;

interface NodeReadableLike {
  pipe: unknown;
  once(event: string, listener: Listener): unknown;
  readableEnded?: boolean;
  destroyed?: boolean;
}

interface WebReadableLike {
  getReader(): {
    read(): Promise<{ done: boolean; value?: unknown }>;
    cancel(reason?: unknown): Promise<void>;
    releaseLock(): void;
  };
  pipeThrough: unknown;
}

function isObject(value: unknown): value is object {
  return (typeof value === 'object' || typeof value === 'function') && value !== null;
}

function isNodeReadable(value: unknown): value is NodeReadableLike {
  if (!isObject(value)) return false;
  const v = value as Partial<NodeReadableLike> & { readable?: unknown };
  return typeof v.pipe === 'function' && typeof v.once === 'function' && 'readable' in v;
}

function isWebReadable(value: unknown): value is WebReadableLike {
  if (!isObject(value)) return false;
  const v = value as Partial<WebReadableLike>;
  return typeof v.getReader === 'function' && typeof v.pipeThrough === 'function';
}

function isAsyncIterable(value: unknown): value is AsyncIterable<unknown> {
  return (
    isObject(value) &&
    typeof (value as Partial<AsyncIterable<unknown>>)[Symbol.asyncIterator] === 'function'
  );
}

/** True for the outputs whose end is later than `process()`'s return. */
export function isStreamResult(value: unknown): boolean {
  return isNodeReadable(value) || isWebReadable(value) || isAsyncIterable(value);
}

/** Calls at most one of the outcome's methods, the first time any is reached. */
function once(outcome: StreamOutcome): StreamOutcome {
  let done = false;
  return {
    end: () => {
      if (!done) ((done = true), outcome.end());
    },
    error: (error) => {
      if (!done) ((done = true), outcome.error(error));
    },
    abandon: (reason) => {
      if (!done) ((done = true), outcome.abandon(reason));
    },
  };
}

const ABANDONED = 'the stream was given up by its consumer before it ended';

/**
 * Watches `stream` and returns what the caller should get: a Node stream is returned as is (its
 * events are enough); a web ReadableStream is returned as a new ReadableStream reading from it; an
 * async iterable is returned behind a proxy whose iterators report their end, every other
 * property passing through.
 */
export function watchStream<T>(stream: T, outcome: StreamOutcome): T {
  const report = once(outcome);
  if (isNodeReadable(stream)) {
    if (stream.readableEnded === true) report.end();
    else if (stream.destroyed === true) report.abandon(ABANDONED);
    stream.once('end', () => report.end());
    stream.once('error', (error) => report.error(error));
    stream.once('close', () => report.abandon(ABANDONED));
    return stream;
  }
  if (isWebReadable(stream)) return watchWebStream(stream, report) as T;
  if (isAsyncIterable(stream)) return watchIterable(stream, report) as T;
  report.end();
  return stream;
}

function watchWebStream(stream: WebReadableLike, report: StreamOutcome): ReadableStream {
  const reader = stream.getReader();
  return new ReadableStream({
    async pull(controller) {
      let chunk: { done: boolean; value?: unknown };
      try {
        chunk = await reader.read();
      } catch (error) {
        report.error(error);
        controller.error(error);
        return;
      }
      if (chunk.done) {
        report.end();
        controller.close();
      } else controller.enqueue(chunk.value);
    },
    async cancel(reason) {
      report.abandon(ABANDONED);
      await reader.cancel(reason);
    },
  });
}

function watchIterator(
  iterator: AsyncIterator<unknown>,
  report: StreamOutcome,
): AsyncIterator<unknown> {
  const settle = (step: Promise<IteratorResult<unknown>>): Promise<IteratorResult<unknown>> =>
    step.then(
      (result) => {
        if (result.done === true) report.end();
        return result;
      },
      (error: unknown) => {
        report.error(error);
        throw error;
      },
    );
  const watched: AsyncIterator<unknown> & AsyncIterable<unknown> = {
    next: (...args: [] | [unknown]) => settle(Promise.resolve(iterator.next(...args))),
    return: (value?: unknown) => {
      report.abandon(ABANDONED);
      return iterator.return === undefined
        ? Promise.resolve({ done: true, value })
        : Promise.resolve(iterator.return(value));
    },
    throw: (error?: unknown) => {
      if (iterator.throw === undefined) {
        report.error(error);
        return Promise.reject(error);
      }
      return settle(Promise.resolve(iterator.throw(error)));
    },
    [Symbol.asyncIterator]: () => watched,
  };
  return watched;
}

function watchIterable(iterable: AsyncIterable<unknown>, report: StreamOutcome): object {
  const target = iterable as AsyncIterable<unknown> & Partial<AsyncIterator<unknown>>;
  // An async generator is its own iterator: its next()/return()/throw() must be the watched ones
  // too, and there is one iteration to watch.
  let own: AsyncIterator<unknown> | undefined;
  const ownIterator = (): AsyncIterator<unknown> =>
    (own ??= watchIterator(target as AsyncIterator<unknown>, report));
  const selfIterating = typeof target.next === 'function';
  return new Proxy(target, {
    get(t, prop) {
      if (prop === Symbol.asyncIterator)
        return selfIterating
          ? () => ownIterator()
          : () => watchIterator(t[Symbol.asyncIterator](), report);
      if (selfIterating && (prop === 'next' || prop === 'return' || prop === 'throw'))
        return (ownIterator() as unknown as Record<string, unknown>)[prop];
      const value: unknown = Reflect.get(t, prop, t);
      // Methods run on the real object: built-ins (generators, streams) check their receiver.
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(t) : value;
    },
  });
}
