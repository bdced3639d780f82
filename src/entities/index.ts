import { Execution } from './execution.js';
import { ExecutionFeedback } from './execution-feedback.js';
import { ToolCreationEvent } from './tool-creation-event.js';
import { ToolExecution } from './tool-execution.js';
import { ToolPerformance } from './tool-performance.js';
import { ToolStatistics } from './tool-statistics.js';
import { JobRun } from './job-run.js';
import { ToolDurationTotals } from './tool-duration-totals.js';
import { ToolLifecycleRecommendation } from './tool-lifecycle-recommendation.js';
import { ToolStatisticsDelta } from './tool-statistics-delta.js';
import { ToolStatisticsPruned } from './tool-statistics-pruned.js';
import { ExecutionOutcomesHourly } from './execution-outcomes-hourly.js';
import { Tool } from './tool.js';
import { ToolStatusChange } from './tool-status-change.js';
import { ToolLatencyBucket } from './tool-latency-bucket.js';
import { ToolLatencyDelta } from './tool-latency-delta.js';
import { ToolRegistryState } from './tool-registry-state.js';
import { ToolRunsHourly } from './tool-runs-hourly.js';
import { ToolRunsHourlyDelta } from './tool-runs-hourly-delta.js';
import { ToolLatencyDaily } from './tool-latency-daily.js';
import { ToolRunsDaily } from './tool-runs-daily.js';

export {
  Execution,
  ExecutionFeedback,
  ToolCreationEvent,
  ToolExecution,
  ToolPerformance,
  ToolStatistics,
  JobRun,
  ToolDurationTotals,
  ToolLifecycleRecommendation,
  ToolStatisticsDelta,
  ToolStatisticsPruned,
  ExecutionOutcomesHourly,
  Tool,
  ToolStatusChange,
  ToolLatencyBucket,
  ToolLatencyDelta,
  ToolRegistryState,
  ToolRunsHourly,
  ToolRunsHourlyDelta,
  ToolLatencyDaily,
  ToolRunsDaily,
};

/** Every entity and view entity, for DataSource options. */
export const entities = [
  ExecutionOutcomesHourly,
  Execution,
  ToolExecution,
  ToolStatistics,
  ExecutionFeedback,
  ToolCreationEvent,
  ToolPerformance,
  JobRun,
  ToolLifecycleRecommendation,
  ToolStatisticsDelta,
  ToolDurationTotals,
  ToolStatisticsPruned,
  Tool,
  ToolStatusChange,
  ToolLatencyBucket,
  ToolLatencyDelta,
  ToolRegistryState,
  ToolRunsHourly,
  ToolRunsHourlyDelta,
  ToolLatencyDaily,
  ToolRunsDaily,
];
