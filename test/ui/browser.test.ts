import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serveUi, type UiServer } from '../../src/index.js';
import { BROWSER_HINT, findChromium, launchChromium } from '../helpers/chromium.js';
import { openTestStore } from '../helpers/db.js';
import { seedUiHistory, type UiFixture } from './fixture.js';

const CHROMIUM = findChromium();
const OUTPUT = path.resolve('test-output');
const requireChromium = process.env.CI === 'true';

describe('web UI in headless Chromium', () => {
  it.runIf(requireChromium && CHROMIUM === undefined)('needs Chromium in CI', () => {
    expect.fail(`no Chromium or Chrome found: ${BROWSER_HINT}`);
  });

  describe.skipIf(CHROMIUM === undefined)('over a real server and database', () => {
    let browser: Browser;
    let server: UiServer;
    let fixture: UiFixture;
    const problems: string[] = [];
    const foreign: string[] = [];

    beforeAll(async () => {
      const { store, url } = await openTestStore();
      fixture = await seedUiHistory(store, url);
      server = await serveUi({
        store,
        port: 0,
        onError: (e) => problems.push(`server: ${e.message}`),
      });
      browser = await launchChromium(CHROMIUM!);
      await mkdir(OUTPUT, { recursive: true });
    });
    afterAll(async () => {
      await browser?.close();
      await server?.close();
    });

    async function open(width: number): Promise<Page> {
      const context = await browser.newContext({ viewport: { width, height: 900 } });
      const page = await context.newPage();
      page.on('console', (message) => {
        if (message.type() === 'error' || message.type() === 'warning')
          problems.push(`${message.type()}: ${message.text()}`);
      });
      page.on('pageerror', (error) => problems.push(`pageerror: ${error.message}`));
      page.on('request', (request) => {
        if (!request.url().startsWith(server.url) && !request.url().startsWith('data:'))
          foreign.push(request.url());
      });
      return page;
    }

    /** The focused element's text and the row it sits in (page-side code as text: no DOM types here). */
    const focused = (page: Page): Promise<string> =>
      page.evaluate(
        `(() => { const a = document.activeElement; return a && a.closest('[data-nav-item]') ? a.textContent.trim() : ''; })()`,
      ) as Promise<string>;

    const overflow = (page: Page): Promise<number> =>
      page.evaluate(
        'document.documentElement.scrollWidth - document.documentElement.clientWidth',
      ) as Promise<number>;

    it('overview → failures of one tool → one execution → its tool → accept a recommendation', async () => {
      const page = await open(1400);
      await page.goto(server.url);
      await page.waitForFunction('document.documentElement.dataset.charts === "3"');
      expect(await page.locator('canvas').count()).toBe(3);
      await expect(page.locator('h1').textContent()).resolves.toBe('Overview');
      await page.screenshot({ path: path.join(OUTPUT, 'ui-overview-1400.png'), fullPage: true });

      await page.getByRole('link', { name: 'Executions', exact: true }).click();
      await page.selectOption('#success', 'false');
      await page.selectOption('#tool', 'flaky_tool');
      await page.getByRole('button', { name: 'Filter' }).click();
      await page.waitForURL(/success=false/);
      expect(page.url()).toContain('tool=flaky_tool');
      const rows = page.locator('table[data-nav-list] tbody tr');
      expect(await rows.count()).toBe(14);
      expect(await page.locator('tbody .badge.fail').count()).toBe(14);
      await page.screenshot({ path: path.join(OUTPUT, 'ui-executions-1400.png'), fullPage: true });

      // Keyboard: j/k and the arrows move between rows, Enter opens the focused one.
      const firstGoal = (await rows.nth(0).locator('td.goal a').textContent())!.trim();
      const secondGoal = (await rows.nth(1).locator('td.goal a').textContent())!.trim();
      await page.keyboard.press('j');
      expect(await focused(page)).toBe(firstGoal);
      await page.keyboard.press('ArrowDown');
      expect(await focused(page)).toBe(secondGoal);
      await page.keyboard.press('k');
      expect(await focused(page)).toBe(firstGoal);
      await page.keyboard.press('j');
      await page.keyboard.press('Enter');
      await page.waitForURL(/\/executions\/[0-9a-f-]{36}$/);
      await expect(page.locator('h1').textContent()).resolves.toBe(secondGoal);

      const flaky = page.locator('.run.failed');
      await expect(flaky.locator('a').first().textContent()).resolves.toBe('flaky_tool');
      await expect(flaky.locator('pre.error-text').textContent()).resolves.toBe(
        'UpstreamTimeout: weather service did not answer',
      );
      const parameters = (await flaky.locator('.json-tree').first().textContent())!;
      expect(parameters).toContain('city');
      expect(parameters).toContain('"Lyon"');
      expect(await page.locator('.run.succeeded').count()).toBe(1);
      await expect(page.locator('dl.facts').textContent()).resolves.toContain('test-model');
      await page.screenshot({ path: path.join(OUTPUT, 'ui-execution-1400.png'), fullPage: true });

      await flaky.getByRole('link', { name: 'flaky_tool' }).click();
      await page.waitForURL(/\/tools\/flaky_tool$/);
      await page.waitForFunction('document.documentElement.dataset.charts === "3"');
      await expect(page.locator('h1').textContent()).resolves.toBe('flaky_tool');
      await expect(page.locator('table').first().textContent()).resolves.toContain(
        'UpstreamTimeout',
      );
      await expect(page.locator('pre.code').textContent()).resolves.toContain('fetch("<weather>")');
      await page.screenshot({ path: path.join(OUTPUT, 'ui-tool-1400.png'), fullPage: true });

      await page.getByRole('link', { name: 'Recommendations', exact: true }).click();
      const row = page.locator(`#recommendation-${fixture.recommendationId}`);
      await row.getByRole('button', { name: 'Accept' }).click();
      await page.waitForURL(/done=accepted/);
      await expect(page.locator('.notice').textContent()).resolves.toContain(
        `#${fixture.recommendationId} accepted`,
      );
      await page.goto(new URL('/recommendations?status=all', server.url).href);
      await page.reload();
      await expect(
        page.locator(`#recommendation-${fixture.recommendationId} [data-status]`).textContent(),
      ).resolves.toBe('accepted');
      await page.goto(new URL('/recommendations?status=accepted', server.url).href);
      expect(await page.locator(`#recommendation-${fixture.recommendationId}`).count()).toBe(1);
      await page.context().close();
    });

    it('fits an 800 px window without sideways scrolling', async () => {
      const page = await open(800);
      for (const [name, route] of [
        ['overview', '/'],
        ['executions', '/executions'],
        ['execution', `/executions/${fixture.failedExecutionId}`],
        ['tool', '/tools/flaky_tool'],
        ['recommendations', '/recommendations?status=all'],
        ['jobs', '/jobs'],
      ] as const) {
        await page.goto(new URL(route, server.url).href);
        await page.waitForFunction('document.documentElement.dataset.charts !== undefined');
        expect(await overflow(page), name).toBeLessThanOrEqual(0);
        await page.screenshot({ path: path.join(OUTPUT, `ui-${name}-800.png`), fullPage: true });
      }
      await page.context().close();
    });

    it('runs a job from the Jobs page and lists it', async () => {
      const page = await open(1400);
      await page.goto(new URL('/jobs', server.url).href);
      await page.getByRole('button', { name: 'Run hourly-statistics' }).click();
      await page.waitForURL(/done=started/);
      // The run finishes in the background; the history shows it once it is recorded.
      for (let attempt = 0; attempt < 100; attempt++) {
        await page.goto(new URL('/jobs', server.url).href);
        if ((await page.locator('tbody tr').count()) > 0) break;
        await page.waitForTimeout(100);
      }
      await expect(page.locator('tbody').textContent()).resolves.toContain('hourly-statistics');
      await expect(page.locator('tbody').textContent()).resolves.toContain('manual');
      await page.context().close();
    });

    it('logged no console error and asked no other host for anything', () => {
      expect(problems).toEqual([]);
      expect(foreign).toEqual([]);
    });
  });
});
