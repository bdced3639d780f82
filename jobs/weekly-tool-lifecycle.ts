import { windowStart } from '../src/retention/period.js';
import { wilsonInterval } from '../src/stats/wilson.js';
import { jobRepositoryOf } from '../src/store/internal.js';
import type { RecommendationAction } from '../src/store/types.js';
import type { JobDefinition } from './types.js';

const DAY_MS = 86_400_000;

export interface LifecycleRecommendation {
  toolName: string;
  action: RecommendationAction;
  reason: string;
  evidence: { [key: string]: unknown };
}

export interface LifecycleSummary {
  [key: string]: unknown;
  recommendations: LifecycleRecommendation[];
  /** New open recommendations. */
  created: number;
  /** Open recommendations that already existed and were refreshed with this week's evidence. */
  refreshed: number;
  /** Found again but not reopened: the user accepted or dismissed them within `settledQuietDays`. */
  quieted: number;
  /**
   * Found but already in effect in the tool registry (archive of an archived tool, deprecate of a
   * deprecated or archived one, promote of a promoted one): not recommended again.
   */
  alreadyApplied: number;
  /** Open recommendations not found again (or already applied) this run, closed as 'expired'. */
  expired: number;
  asOf: string;
}

const pct = (x: number): string => `${(x * 100).toFixed(1)}%`;
const iso = (d: unknown): string | null => (d instanceof Date ? d.toISOString() : null);

/**
 * Weekly recommendations with their evidence: archive (idle), deprecate (confidently failing),
 * promote (an AI-generated tool that proved itself), watch (a week-over-week regression).
 */
export const weeklyToolLifecycle: JobDefinition = {
  name: 'weekly-tool-lifecycle',
  schedule: '0 4 * * 1',
  enabled: true,
  description: 'recommend archiving, deprecating, promoting or watching tools, with evidence',
  async run({ store, thresholds: t, now, runId, recommend }) {
    const jobs = jobRepositoryOf(store);
    const context = 'weekly-tool-lifecycle';
    // Archive and promote read tool_statistics: bring it up to date first (cheap, incremental),
    // with the configured latency window, as the hourly job would.
    await jobs.refreshStatistics(t.durationWindowHours, context);
    const found: LifecycleRecommendation[] = [];

    const idleCutoff = windowStart(now, t.archiveIdleDays * DAY_MS);
    for (const row of await jobs.idleTools(idleCutoff, context)) {
      const lastUsed = row.last_used as Date | null;
      const since = lastUsed ?? (row.created_at as Date);
      const idleDays = Math.floor((now.getTime() - since.getTime()) / DAY_MS);
      found.push({
        toolName: row.tool_name as string,
        action: 'archive',
        reason:
          lastUsed === null
            ? `generated ${idleDays} days ago and never used`
            : `not used for ${idleDays} days (threshold ${t.archiveIdleDays})`,
        evidence: {
          lastUsed: iso(lastUsed),
          generatedAt: iso(row.created_at),
          idleDays,
          totalExecutions: Number(row.total),
          idleThresholdDays: t.archiveIdleDays,
        },
      });
    }

    const windows = await jobs.lifecycleWindows(
      now,
      t.deprecateWindowDays,
      t.watchWeekDays,
      context,
    );
    const recentSince = windowStart(now, t.deprecateWindowDays * DAY_MS);
    const weekStart = windowStart(now, t.watchWeekDays * DAY_MS);
    const prevStart = windowStart(now, 2 * t.watchWeekDays * DAY_MS);
    for (const row of windows) {
      const toolName = row.tool_name as string;
      const total = Number(row.recent_total);
      const successes = Number(row.recent_successes);
      if (total >= t.deprecateMinExecutions) {
        const interval = wilsonInterval(successes, total, t.z);
        if (interval[1] < t.deprecateSuccessRate)
          found.push({
            toolName,
            action: 'deprecate',
            reason: `${successes} of ${total} runs succeeded in ${t.deprecateWindowDays} days (${pct(successes / total)}); even the optimistic bound ${pct(interval[1])} is below ${pct(t.deprecateSuccessRate)}`,
            evidence: {
              total,
              successes,
              successRate: successes / total,
              interval,
              since: recentSince.toISOString(),
              until: now.toISOString(),
            },
          });
      }
      const thisTotal = Number(row.this_total);
      const prevTotal = Number(row.prev_total);
      if (thisTotal >= t.watchMinExecutionsPerWeek && prevTotal >= t.watchMinExecutionsPerWeek) {
        const thisRate = Number(row.this_successes) / thisTotal;
        const prevRate = Number(row.prev_successes) / prevTotal;
        const drop = prevRate - thisRate;
        if (drop > t.watchDrop)
          found.push({
            toolName,
            action: 'watch',
            reason: `success rate fell from ${pct(prevRate)} to ${pct(thisRate)} week over week (${(drop * 100).toFixed(1)} points)`,
            evidence: {
              drop,
              previousWeek: {
                from: prevStart.toISOString(),
                to: weekStart.toISOString(),
                total: prevTotal,
                successes: Number(row.prev_successes),
                successRate: prevRate,
                interval: wilsonInterval(Number(row.prev_successes), prevTotal, t.z),
              },
              thisWeek: {
                from: weekStart.toISOString(),
                to: now.toISOString(),
                total: thisTotal,
                successes: Number(row.this_successes),
                successRate: thisRate,
                interval: wilsonInterval(Number(row.this_successes), thisTotal, t.z),
              },
            },
          });
      }
    }

    for (const row of await jobs.generatedToolStats(context)) {
      const total = Number(row.total);
      const successes = Number(row.successes);
      if (total < t.promoteMinExecutions) continue;
      const interval = wilsonInterval(successes, total, t.z);
      if (interval[0] >= t.promoteLowerBound)
        found.push({
          toolName: row.tool_name as string,
          action: 'promote',
          reason: `AI-generated tool with ${successes} of ${total} successful runs; even the cautious bound ${pct(interval[0])} reaches ${pct(t.promoteLowerBound)}`,
          evidence: {
            total,
            successes,
            successRate: successes / total,
            interval,
            generatedAt: iso(row.generated_at),
          },
        });
    }

    // What the registry already did is not recommended again (an archived tool stays idle: its
    // "archive" would come back every time the user's answer leaves the quiet period).
    const states = new Map(
      (await jobs.registryStates([...new Set(found.map((r) => r.toolName))], context)).map((r) => [
        r.tool_name as string,
        { status: r.status as string, promoted: r.promoted === true },
      ]),
    );
    const applies = (rec: LifecycleRecommendation): boolean => {
      const state = states.get(rec.toolName);
      if (state === undefined) return true;
      if (rec.action === 'archive') return state.status !== 'archived';
      if (rec.action === 'deprecate') return state.status === 'active';
      if (rec.action === 'promote') return !state.promoted;
      return true;
    };
    const pending = found.filter(applies);

    let created = 0;
    let refreshed = 0;
    const stored: LifecycleRecommendation[] = [];
    for (const rec of pending) {
      const event = await jobs.upsertRecommendation(
        { ...rec, evidenceJson: JSON.stringify(rec.evidence) },
        runId,
        t.settledQuietDays,
        context,
      );
      if (event === undefined) continue; // settled by the user recently: not reopened
      stored.push(rec);
      if (event.isNew) created++;
      else refreshed++;
      await recommend(event);
    }
    // What was open but not found again no longer applies (the tool recovered, is used again...).
    const expired = await jobs.expireRecommendations(pending, runId, context);
    const summary: LifecycleSummary = {
      recommendations: stored,
      created,
      refreshed,
      quieted: pending.length - stored.length,
      alreadyApplied: found.length - pending.length,
      expired,
      asOf: now.toISOString(),
    };
    return summary;
  },
};
