import type { MigrationInterface } from 'typeorm';
import { Foundation1764000000001 } from './0001-foundation.js';
import { LearningLoop1764000000002 } from './0002-learning-loop.js';
import { ReadPaths1764000000003 } from './0003-read-paths.js';
import { ExpiredRecommendations1764000000004 } from './0004-expired-recommendations.js';
import { PrunedStatistics1764000000005 } from './0005-pruned-statistics.js';
import { OpenExecutions1764000000006 } from './0006-open-executions.js';
import { LatencySketches1764000000007 } from './0007-latency-sketches.js';
import { ToolRegistry1764000000008 } from './0008-tool-registry.js';
import { ReportRollups1764000000009 } from './0009-report-rollups.js';
import { RegistryGeneration1764000000010 } from './0010-registry-generation.js';
import { LatencyDaily1764000000011 } from './0011-latency-daily.js';
import { RunsDaily1764000000012 } from './0012-runs-daily.js';

/** Every migration, in the order it must run. Append only; never reorder. */
export const migrations: (new () => MigrationInterface)[] = [
  Foundation1764000000001,
  LearningLoop1764000000002,
  ReadPaths1764000000003,
  ExpiredRecommendations1764000000004,
  PrunedStatistics1764000000005,
  OpenExecutions1764000000006,
  LatencySketches1764000000007,
  ToolRegistry1764000000008,
  ReportRollups1764000000009,
  RegistryGeneration1764000000010,
  LatencyDaily1764000000011,
  RunsDaily1764000000012,
];
