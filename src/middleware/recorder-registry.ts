import type { RunEndInput, RunStartInput, ToolEndInput, ToolStartInput } from './run-inputs.js';

/** What trackTool() needs of a recorder to record a call made outside any run. */
export interface RunSink {
  startRun(input: RunStartInput): void;
  startTool(input: ToolStartInput): void;
  endTool(input: ToolEndInput): void;
  endRun(input: RunEndInput): void;
}

// The recorders open in this process, newest last. This is the one piece of process-wide state
// in the middleware, and deliberately so: a trackTool() called outside any run has no other way
// to find where it should be recorded (see trackTool). Recorders leave it when closed.
const open: RunSink[] = [];

export function registerRecorder(recorder: RunSink): void {
  open.push(recorder);
}

export function unregisterRecorder(recorder: RunSink): void {
  const i = open.lastIndexOf(recorder);
  if (i >= 0) open.splice(i, 1);
}

/** The most recently opened recorder still open, if any. */
export function latestRecorder(): RunSink | undefined {
  return open[open.length - 1];
}
