import { Execution } from './execution.js';
import { ExecutionFeedback } from './execution-feedback.js';
import { ToolCreationEvent } from './tool-creation-event.js';
import { ToolExecution } from './tool-execution.js';
import { ToolPerformance } from './tool-performance.js';
import { ToolStatistics } from './tool-statistics.js';

export {
  Execution,
  ExecutionFeedback,
  ToolCreationEvent,
  ToolExecution,
  ToolPerformance,
  ToolStatistics,
};

/** Every entity and view entity, for DataSource options. */
export const entities = [
  Execution,
  ToolExecution,
  ToolStatistics,
  ExecutionFeedback,
  ToolCreationEvent,
  ToolPerformance,
];
