import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildReport, renderReportHtml, type ReportModel } from '../src/index.js';
import { runDemo } from '../src/demo/run-demo.js';
import { printReport } from '../src/cli/report-text.js';
import {
  BROWSER_HINT,
  SKIP_BROWSER_VARIABLE,
  findChromium,
  launchChromium,
} from './helpers/chromium.js';
import { openTestStore } from './helpers/db.js';

const CHROMIUM = findChromium();
const OUTPUT = path.resolve('test-output');
const DAY = 86_400_000;

// A missing browser fails the browser checks with what to install: skipping needs asking for.
const skipBrowser = process.env[SKIP_BROWSER_VARIABLE] === '1';
if (skipBrowser)
  console.warn(`report-dashboard: browser checks skipped (${SKIP_BROWSER_VARIABLE}=1)`);

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

  it('ranks tools by the Wilson lower bound and says so, in the model and the text report', () => {
    // Raw rates would put 30 of 30 (100%) above 117 of 120 (97.5%); the lower bounds do not.
    expect(model.toolRanking).toBe('wilson-lower-bound');
    expect(model.tools.map((t) => t.toolName)).toEqual([
      'reliable_tool',
      'generated_tool',
      'flaky_tool',
    ]);
    const lows = model.tools.map((t) => t.interval[0]);
    expect(lows).toEqual([...lows].sort((a, b) => b - a));
    let text = '';
    printReport(
      {
        out: (line: string) => void (text += `${line}\n`),
      } as unknown as Parameters<typeof printReport>[0],
      model,
    );
    expect(text).toMatch(/lower bound/);
    expect(text).not.toMatch(/by success rate/);
    expect(text.indexOf('reliable_tool')).toBeLessThan(text.indexOf('generated_tool'));
    const html = renderReportHtml(model);
    expect(html).toMatch(/Ranked by the lower end of the 95% Wilson interval/);
  });

  it('computes per-tool rates with Wilson intervals and latency percentiles', () => {
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

  it('marks the partial first and last periods and gives each bucket its failure band', () => {
    const first = model.timeline[0]!;
    const last = model.timeline.at(-1)!;
    // The window starts 14 days before now, inside a day; today is not over.
    expect(first.partial).toBe(true);
    expect(last.partial).toBe(true);
    expect(model.timeline.slice(1, -1).every((p) => !p.partial)).toBe(true);
    for (const p of model.timeline) {
      if (p.executions === 0) expect(p.failureInterval).toBeNull();
      else {
        const [low, high] = p.failureInterval!;
        expect(low).toBeLessThanOrEqual(p.failures / p.executions);
        expect(high).toBeGreaterThanOrEqual(p.failures / p.executions);
      }
    }
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

  it('shows recommendations id first, in id order, and no raw null in the evidence', () => {
    const withRecs = structuredClone(model);
    withRecs.recommendations = {
      available: true,
      items: [12, 3, 7].map((id) => ({
        id: String(id),
        toolName: `tool_${id}`,
        action: 'archive',
        reason: 'idle',
        evidence: { lastUsed: null, runs: 0, successRate: null },
        createdAt: now.toISOString(),
        updatedAt: now.toISOString(),
      })),
    };
    // The model keeps them in id order when it builds them; the page shows the model's order.
    withRecs.recommendations.items.sort((a, b) => Number(a.id) - Number(b.id));
    const html = renderReportHtml(withRecs);
    const table = html.slice(html.indexOf('<table class="recommendations">'));
    expect(table).toMatch(/<thead><tr><th class="num">id<\/th><th>action/);
    expect([...table.matchAll(/<td class="num id">#(\d+)</g)].map((m) => m[1])).toEqual([
      '3',
      '7',
      '12',
    ]);
    const pills = [...table.matchAll(/<span class="pill[^"]*">(.*?)<\/span>/g)].map((m) => m[1]);
    expect(pills.length).toBeGreaterThan(0);
    expect(pills.filter((p) => /null/.test(p!))).toEqual([]);
    expect(pills).toContain('<b>lastUsed</b> never');
  });

  it('finds the browser by CHROMIUM_PATH, PLAYWRIGHT_CHROMIUM_EXECUTABLE_PATH or on PATH', () => {
    const present = new Set([
      '/opt/chrome/chrome',
      '/usr/bin/chromium',
      '/snap/bin/chromium-browser',
    ]);
    const has = (file: string) => present.has(file);
    expect(findChromium({ CHROMIUM_PATH: '/opt/chrome/chrome', PATH: '/usr/bin' }, has)).toBe(
      '/opt/chrome/chrome',
    );
    expect(
      findChromium({ PLAYWRIGHT_CHROMIUM_EXECUTABLE_PATH: '/opt/chrome/chrome', PATH: '' }, has),
    ).toBe('/opt/chrome/chrome');
    // A variable that names nothing is a mistake to report, not a reason to pick another browser.
    expect(findChromium({ CHROMIUM_PATH: '/nope', PATH: '/usr/bin' }, has)).toBeUndefined();
    expect(findChromium({ PATH: '/snap/bin' }, (f) => f === '/snap/bin/chromium-browser')).toBe(
      '/snap/bin/chromium-browser',
    );
    expect(findChromium({ PATH: '/nowhere' }, has)).toBe('/usr/bin/chromium');
    expect(findChromium({ PATH: '/nowhere' }, () => false)).toBeUndefined();
  });

  it.runIf(!skipBrowser && CHROMIUM === undefined)('has a browser for the dashboard checks', () => {
    expect.fail(`no Chromium or Chrome found: ${BROWSER_HINT}`);
  });

  describe.skipIf(skipBrowser || CHROMIUM === undefined)('in headless Chromium', () => {
    let browser: Browser;
    beforeAll(async () => {
      browser = await launchChromium(CHROMIUM!);
    });
    afterAll(async () => {
      await browser?.close();
    });

    /** What the page reports about its layout and charts, measured in the browser. */
    interface PageFacts {
      charts: number;
      overflow: number;
      canvases: Array<{ id: string; width: number; height: number; painted: number }>;
      /** Top edge of each KPI card: one value per row of cards. */
      kpiTops: number[];
      /** Header values that broke across lines. */
      brokenStamps: string[];
      /** The page's colour for a clearly failing tool. */
      bad: string;
      success?: {
        min: number;
        max: number;
        pointsCut: number;
        colors: string[];
        legend: string[];
      };
      latency?: { max: number; lastTick: number; dataMax: number; tickLabels: string[] };
      timeline?: { rateMax: number; rates: Array<number | null>; labels: string[] };
    }

    // Page-side code as text: the test project has no DOM types, and this runs in Chromium.
    const MEASURE = `(() => {
      const canvases = [...document.querySelectorAll('canvas')];
      const charts = Object.values(Chart.instances);
      const chart = (id) => charts.find((c) => c.canvas.id === id);
      const facts = {
        charts: charts.length,
        overflow: document.documentElement.scrollWidth - document.documentElement.clientWidth,
        canvases: canvases.map((canvas) => {
          const { width, height } = canvas;
          const pixels = canvas.getContext('2d').getImageData(0, 0, width, height).data;
          let painted = 0;
          for (let i = 3; i < pixels.length; i += 4) if (pixels[i] > 0) painted++;
          return { id: canvas.id, width, height, painted };
        }),
        kpiTops: [...new Set([...document.querySelectorAll('.kpi')].map((k) => Math.round(k.getBoundingClientRect().top)))],
        brokenStamps: [...document.querySelectorAll('header .stamp')]
          .filter((s) => s.getClientRects().length > 1).map((s) => s.textContent),
        bad: getComputedStyle(document.documentElement).getPropertyValue('--bad').trim(),
      };
      const success = chart('chart-success');
      if (success) {
        const points = success.getDatasetMeta(0).data;
        const radius = success.data.datasets[0].pointRadius;
        facts.success = {
          min: success.scales.x.min,
          max: success.scales.x.max,
          pointsCut: points.filter((p, i) => p.x + radius[i] > success.width || p.x - radius[i] < 0).length,
          colors: success.data.datasets[0].pointBackgroundColor,
          legend: [...document.querySelectorAll('#chart-success-legend .legend-item')].map((e) => e.textContent),
        };
      }
      const latency = chart('chart-latency');
      if (latency) {
        const x = latency.scales.x;
        const values = latency.data.datasets.flatMap((d) => d.data).filter((v) => v !== null);
        facts.latency = {
          max: x.max,
          lastTick: x.ticks.at(-1).value,
          dataMax: Math.max(...values),
          tickLabels: x.ticks.map((t) => t.label).filter((l) => l !== ''),
        };
      }
      const timeline = chart('chart-timeline');
      if (timeline) {
        facts.timeline = {
          rateMax: timeline.scales.rate.max,
          rates: timeline.data.datasets.find((d) => d.label === 'failure rate').data,
          labels: timeline.data.labels,
        };
      }
      return facts;
    })()`;

    /**
     * Opens the page at 1400 and 800 px wide, checks that every chart drew, nothing went wrong,
     * and the layout holds (no sideways scroll, KPI cards on one row, header values whole), saves
     * a screenshot of each. Returns what it measured at each width.
     */
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
    ): Promise<PageFacts[]> {
      await mkdir(OUTPUT, { recursive: true });
      const file = path.join(OUTPUT, `${name}.html`);
      await writeFile(file, html);
      const measured: PageFacts[] = [];
      for (const width of [1400, 800]) {
        const context = await browser.newContext({ viewport: { width, height: 900 } });
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
        await page.waitForFunction('document.documentElement.dataset.charts !== undefined');
        const facts = (await page.evaluate(MEASURE)) as PageFacts;
        const at = `${name} at ${width} px`;
        expect(
          facts.canvases.map((c) => c.id),
          at,
        ).toEqual(expected);
        expect(facts.charts, at).toBe(facts.canvases.length);
        for (const canvas of facts.canvases) {
          expect(canvas.width, `${at} ${canvas.id}`).toBeGreaterThan(100);
          expect(canvas.painted, `${at} ${canvas.id}`).toBeGreaterThan(
            minPainted * canvas.width * canvas.height,
          );
        }
        expect(facts.overflow, `${at}: the page scrolls sideways`).toBeLessThanOrEqual(0);
        expect(facts.kpiTops, `${at}: KPI cards on one row`).toHaveLength(1);
        expect(facts.brokenStamps, `${at}: header values broken across lines`).toEqual([]);
        expect(problems, at).toEqual([]);
        expect(
          requests.filter((url) => !url.startsWith('file:')),
          at,
        ).toEqual([]);
        await page.screenshot({ path: path.join(OUTPUT, `${name}-${width}.png`), fullPage: true });
        await context.close();
        measured.push(facts);
      }
      return measured;
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

    it('scales the success axis to the data, draws 100% markers whole, explains colours, and keeps a failing AI tool red', async () => {
      const variant = structuredClone(model);
      // An AI-generated tool that clearly fails must read as failing, not as "AI-generated".
      variant.tools.push({
        toolName: 'generated_broken',
        total: 40,
        successes: 8,
        successRate: 0.2,
        interval: [0.105, 0.348],
        p50Ms: 12_500,
        p95Ms: 18_200,
        lastUsed: now.toISOString(),
        generated: true,
        status: null,
        promoted: false,
      });
      const [wide] = await renderAndCheck(renderReportHtml(variant), 'report-variant');
      const success = wide!.success!;
      expect(success.min).toBe(0.1);
      expect(success.max).toBe(1);
      expect(success.pointsCut).toBe(0);
      expect(success.colors[variant.tools.length - 1]).toBe(wide!.bad);
      expect(success.legend.join(' | ')).toMatch(/clearly failing.*AI-generated/);
      // Latency: one unit on every tick, the last gridline at or past the slowest p95.
      const latency = wide!.latency!;
      expect(latency.max).toBeGreaterThanOrEqual(latency.dataMax);
      expect(latency.lastTick).toBe(latency.max);
      const units = new Set(latency.tickLabels.map((label) => label.split(' ').at(-1)));
      expect([...units]).toHaveLength(1);
    });

    it('scales the success axis from the lowest interval when all tools do well', async () => {
      const [wide] = await renderAndCheck(renderReportHtml(model), 'report-success-axis');
      // Lowest interval end: flaky_tool at 0.377 → the axis starts at 30%, not 0%.
      expect(wide!.success!.min).toBe(0.3);
    });

    it('does not draw a tiny first bucket as a failure spike, and scales the rate axis', async () => {
      const variant = structuredClone(model);
      // A partial first day with a single failed goal: 100% failure of one run.
      variant.timeline[0] = {
        ...variant.timeline[0]!,
        executions: 1,
        failures: 1,
        partial: true,
        failureInterval: [0.207, 1],
      };
      const [wide] = await renderAndCheck(renderReportHtml(variant), 'report-timeline');
      const timeline = wide!.timeline!;
      expect(timeline.rates[0]).toBeNull();
      expect(timeline.labels[0]).toMatch(/\(part\)$/);
      expect(timeline.labels.at(-1)).toMatch(/\(part\)$/);
      // Failure rates here are at most 50%: the axis is scaled to them, not fixed at 0–100%.
      const shown = timeline.rates.filter((r): r is number => r !== null);
      expect(timeline.rateMax).toBeLessThan(1);
      expect(timeline.rateMax).toBeGreaterThanOrEqual(Math.max(...shown));
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
