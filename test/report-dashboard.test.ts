import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildReport, renderReportHtml, type ReportModel } from '../src/index.js';
import { runDemo } from '../src/demo/run-demo.js';
import { openTestStore } from './helpers/db.js';

const CHROMIUM = '/usr/bin/chromium';
const OUTPUT = path.resolve('test-output');
const DAY = 86_400_000;

const hasChromium = existsSync(CHROMIUM);
// Locally a missing browser only skips the browser checks; in CI (.ci/run installs it) it fails.
const requireChromium = process.env.CI === 'true';
if (!hasChromium)
  console.warn(
    `report-dashboard: ${CHROMIUM} is missing, so the browser checks are ${requireChromium ? 'failing' : 'skipped'}. Install it with \`apt-get install -y chromium\` (.ci/run does).`,
  );

describe('report model and HTML dashboard', () => {
  let model: ReportModel;
  const now = new Date();

  beforeAll(async () => {
    const { store } = await openTestStore();
    // Three tools with clearly different outcomes and latencies, spread over ten days.
    const plan = [
      { tool: 'reliable_tool', runs: 120, failEvery: 40, base: 40 },
      { tool: 'flaky_tool', runs: 60, failEvery: 2, base: 400 },
      { tool: 'generated_tool', runs: 30, failEvery: 0, base: 1200 },
    ];
    for (const { tool, runs, failEvery, base } of plan) {
      for (let i = 0; i < runs; i++) {
        const success = failEvery === 0 || i % failEvery !== 0;
        const createdAt = new Date(now.getTime() - (i % 10) * DAY - 3_600_000);
        const executionId = await store.storeExecution({
          goalText: `goal ${i} for ${tool}`,
          intent: tool === 'flaky_tool' ? 'search' : 'calculate',
          success,
          durationMs: base + i,
          createdAt,
        });
        await store.storeToolExecution({
          executionId,
          toolName: tool,
          success,
          durationMs: base + (i % 20) * 5,
          createdAt,
        });
        if (i % 3 === 0)
          await store.storeFeedback({ executionId, rating: success ? 4 + (i % 2) : 1 + (i % 2) });
      }
    }
    await store.storeToolCreation({
      toolName: 'generated_tool',
      generatedCode: 'export default (x) => x * 2;',
      validationPassed: true,
      goalText: 'double a number',
      createdAt: new Date(now.getTime() - 12 * DAY),
    });
    model = await buildReport(store, { days: 14, now });
  });

  it('computes per-tool rates with Wilson intervals and latency percentiles', () => {
    expect(model.tools.map((t) => t.toolName)).toEqual([
      'generated_tool',
      'reliable_tool',
      'flaky_tool',
    ]);
    const flaky = model.tools.find((t) => t.toolName === 'flaky_tool')!;
    expect(flaky.total).toBe(60);
    expect(flaky.successRate).toBeCloseTo(0.5, 5);
    // Wilson 95% for 30/60: 0.377 .. 0.623.
    expect(flaky.interval[0]).toBeCloseTo(0.377, 2);
    expect(flaky.interval[1]).toBeCloseTo(0.623, 2);
    const generated = model.tools.find((t) => t.toolName === 'generated_tool')!;
    expect(generated.generated).toBe(true);
    expect(generated.interval[1]).toBe(1);
    expect(generated.interval[0]).toBeGreaterThan(0.85);
    const reliable = model.tools.find((t) => t.toolName === 'reliable_tool')!;
    expect(reliable.p50Ms).toBeGreaterThanOrEqual(40);
    expect(reliable.p95Ms!).toBeGreaterThan(reliable.p50Ms!);
    expect(reliable.p95Ms!).toBeLessThanOrEqual(135);
  });

  it('fills every day of the window and counts failures, ratings and intents', () => {
    expect(model.timeline.length).toBeGreaterThanOrEqual(14);
    const executions = model.timeline.reduce((sum, p) => sum + p.executions, 0);
    const failures = model.timeline.reduce((sum, p) => sum + p.failures, 0);
    expect(executions).toBe(210);
    expect(failures).toBe(3 + 30);
    expect(model.ratings.map((r) => r.rating)).toEqual([1, 2, 3, 4, 5]);
    expect(model.ratings.reduce((sum, r) => sum + r.count, 0)).toBe(40 + 20 + 10);
    expect(model.totals.executions).toBe(210);
    expect(model.intents.map((i) => i.intent).sort()).toEqual(['calculate', 'search']);
    expect(model.generatedTools).toEqual([
      expect.objectContaining({ toolName: 'generated_tool', validationPassed: true, runs: 30 }),
    ]);
  });

  it('never leaves the data able to close its script element', () => {
    const hostile = structuredClone(model);
    hostile.tools[0]!.toolName = '</script><script>alert(1)</script>';
    const html = renderReportHtml(hostile);
    expect(html.split('</script>').length - 1).toBe(3);
    // Nothing is loaded from elsewhere: no src/href to another host (Chromium checks requests too).
    expect(/<(script|link|img)[^>]+(src|href)=/i.test(html)).toBe(false);
  });

  it.runIf(requireChromium && !hasChromium)('needs Chromium in CI', () => {
    expect.fail(`${CHROMIUM} is missing: .ci/run should have installed Debian's chromium`);
  });

  describe.skipIf(!hasChromium)('in headless Chromium', () => {
    let browser: Browser;
    beforeAll(async () => {
      browser = await chromium.launch({
        executablePath: CHROMIUM,
        args: [
          '--headless',
          '--no-sandbox',
          '--disable-gpu',
          '--disable-background-networking',
          '--disable-component-update',
          '--no-first-run',
          '--disable-sync',
        ],
      });
    });
    afterAll(async () => {
      await browser?.close();
    });

    /** Opens the page, checks that every chart drew and nothing went wrong, saves a screenshot. */
    async function renderAndCheck(
      html: string,
      name: string,
      expected: readonly string[] = [
        'chart-success',
        'chart-latency',
        'chart-timeline',
        'chart-ratings',
        'chart-intents',
      ],
      /** Share of each canvas that must be painted: axes alone paint little, bars much more. */
      minPainted = 0.02,
    ): Promise<void> {
      await mkdir(OUTPUT, { recursive: true });
      const file = path.join(OUTPUT, `${name}.html`);
      await writeFile(file, html);
      const context = await browser.newContext({ viewport: { width: 1360, height: 900 } });
      const page = await context.newPage();
      const problems: string[] = [];
      const requests: string[] = [];
      page.on('console', (message) => {
        if (message.type() === 'error' || message.type() === 'warning')
          problems.push(`${message.type()}: ${message.text()}`);
      });
      page.on('pageerror', (error) => problems.push(`pageerror: ${error.message}`));
      page.on('request', (request) => requests.push(request.url()));
      await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
      // Page-side code as text: the test project has no DOM types, and this runs in Chromium.
      await page.waitForFunction('document.documentElement.dataset.charts !== undefined');
      const drawn = (await page.evaluate(`(() => {
        const canvases = [...document.querySelectorAll('canvas')];
        return {
          charts: Object.keys(Chart.instances).length,
          overflow: document.documentElement.scrollWidth - document.documentElement.clientWidth,
          canvases: canvases.map((canvas) => {
            const { width, height } = canvas;
            const pixels = canvas.getContext('2d').getImageData(0, 0, width, height).data;
            let painted = 0;
            for (let i = 3; i < pixels.length; i += 4) if (pixels[i] > 0) painted++;
            return { id: canvas.id, width, height, painted };
          }),
        };
      })()`)) as {
        charts: number;
        overflow: number;
        canvases: Array<{ id: string; width: number; height: number; painted: number }>;
      };
      expect(drawn.canvases.map((c) => c.id)).toEqual(expected);
      expect(drawn.charts).toBe(drawn.canvases.length);
      for (const canvas of drawn.canvases) {
        expect(canvas.width, canvas.id).toBeGreaterThan(100);
        expect(canvas.painted, canvas.id).toBeGreaterThan(
          minPainted * canvas.width * canvas.height,
        );
      }
      expect(drawn.overflow, 'the page scrolls sideways').toBeLessThanOrEqual(0);
      expect(problems).toEqual([]);
      expect(requests.filter((url) => !url.startsWith('file:'))).toEqual([]);
      await page.screenshot({ path: path.join(OUTPUT, `${name}.png`), fullPage: true });
      await context.close();
    }

    it('draws every chart, logs no errors and asks the network for nothing', async () => {
      await renderAndCheck(renderReportHtml(model), 'report-dashboard');
    });

    it('shows an empty history as notes and empty charts, without errors', async () => {
      const { store } = await openTestStore();
      const empty = await buildReport(store, { now });
      expect(empty.totals.executions).toBe(0);
      // Empty charts still draw their axes.
      await renderAndCheck(
        renderReportHtml(empty),
        'report-empty',
        ['chart-timeline', 'chart-ratings', 'chart-intents'],
        0.002,
      );
    });

    it("draws the demo's dashboard: thirty tools, recommendations, job history", async () => {
      const { store } = await openTestStore();
      await runDemo(store, { goals: 2_000, seed: 5, now });
      const demo = await buildReport(store, { now });
      expect(demo.tools.length).toBeGreaterThanOrEqual(28);
      expect(demo.recommendations.items.length).toBeGreaterThanOrEqual(5);
      expect(demo.jobs.items.map((j) => j.jobName).sort()).toEqual([
        'daily-low-performers',
        'hourly-statistics',
        'weekly-tool-lifecycle',
      ]);
      await renderAndCheck(renderReportHtml(demo), 'report-demo');
    });
  });
});
