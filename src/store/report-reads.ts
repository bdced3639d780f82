import type { ReportReads, ResultRow } from '../schema/ports.js';
import {
  selectGeneratedTools,
  selectJobHistory,
  selectLatestJobSummary,
  selectOpenRecommendations,
  selectRatingDistribution,
  selectRegistryStatus,
  selectReportTotals,
  selectSuccessByIntent,
  selectTablesPresent,
  selectTimeline,
  selectToolReport,
} from '../sql/report.js';
import type { StoreDatabase } from './database.js';

/** The report's aggregate reads on the read pool (replica when configured). */
export function createReportReads(db: StoreDatabase): ReportReads {
  const rows = (
    query: Parameters<StoreDatabase['rows']>[0],
    context: string,
  ): Promise<ResultRow[]> => db.rows(query, context);
  return {
    tablesPresent: (names) => rows(selectTablesPresent(names), 'report: learning-loop tables'),
    totals: (since) => rows(selectReportTotals(since), 'report: totals'),
    tools: (since, z) => rows(selectToolReport(since, z), 'report: tools'),
    timeline: (since, bucket) => rows(selectTimeline(since, bucket), 'report: timeline'),
    ratings: (since) => rows(selectRatingDistribution(since), 'report: ratings'),
    successByIntent: (since) => rows(selectSuccessByIntent(since), 'successRateByIntent'),
    generatedTools: () => rows(selectGeneratedTools(), 'report: generated tools'),
    registry: () => rows(selectRegistryStatus(), 'report: registry'),
    openRecommendations: (limit) =>
      rows(selectOpenRecommendations(limit), 'report: recommendations'),
    jobHistory: (limit) => rows(selectJobHistory(limit), 'report: job history'),
    latestJobSummary: (jobName) => rows(selectLatestJobSummary(jobName), 'report: low performers'),
  };
}
