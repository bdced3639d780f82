import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serveUi, type UiServer } from '../../src/index.js';
import { findChromium, launchChromium } from '../helpers/chromium.js';
import { openTestStore } from '../helpers/db.js';
import { seedUiHistory, type UiFixture } from './fixture.js';

const CHROMIUM = findChromium();
const OUTPUT = path.resolve('test-output');

/** Issue 16: the UI shows the tool registry's status, origin, version and status history. */
describe.skipIf(CHROMIUM === undefined)('registry status in the web UI (headless Chromium)', () => {
  let browser: Browser;
  let server: UiServer;
  let fixture: UiFixture;
  const problems: string[] = [];

  beforeAll(async () => {
    const { store, url } = await openTestStore();
    fixture = await seedUiHistory(store, url);
    await store.registerTools([
      { name: 'flaky_tool', description: 'Weather by city', origin: 'ai-generated' },
      { name: 'steady_tool', description: 'Searches the <index>' },
    ]);
    server = await serveUi({ store, port: 0, onError: (e) => problems.push(e.message) });
    browser = await launchChromium(CHROMIUM!);
    await mkdir(OUTPUT, { recursive: true });
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  async function open(): Promise<Page> {
    const page = await (
      await browser.newContext({ viewport: { width: 1400, height: 900 } })
    ).newPage();
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') problems.push(`${m.type()}: ${m.text()}`);
    });
    page.on('pageerror', (error) => problems.push(`pageerror: ${error.message}`));
    return page;
  }

  it('accepting recommendations shows on the overview and the tool page, with who and why', async () => {
    const page = await open();
    await page.goto(new URL('/tools/flaky_tool', server.url).href);
    const registry = page.locator('#registry');
    await expect(registry.locator('[data-status]').first().textContent()).resolves.toBe('active');
    await expect(registry.textContent()).resolves.toContain('No status change recorded.');

    await page.goto(new URL('/recommendations', server.url).href);
    for (const id of [fixture.recommendationId, fixture.otherRecommendationId]) {
      await page.locator(`#recommendation-${id}`).getByRole('button', { name: 'Accept' }).click();
      await page.waitForURL(/done=accepted/);
    }

    await page.goto(server.url);
    const flakyRow = page.locator('table[aria-label="Tools in range"] tr', {
      has: page.getByRole('link', { name: 'flaky_tool' }),
    });
    await expect(flakyRow.locator('[data-status]').textContent()).resolves.toBe('deprecated');
    const steadyRow = page.locator('table[aria-label="Tools in range"] tr', {
      has: page.getByRole('link', { name: 'steady_tool' }),
    });
    await expect(steadyRow.textContent()).resolves.toContain('promoted');

    await flakyRow.getByRole('link', { name: 'flaky_tool' }).click();
    await page.waitForURL(/\/tools\/flaky_tool/);
    await page.reload();
    await expect(registry.locator('dd [data-status]').textContent()).resolves.toBe('deprecated');
    const facts = (await registry.locator('dl.facts').textContent())!;
    expect(facts).toContain('ai-generated');
    expect(facts).toContain('creation event #');
    expect(facts).toContain('Weather by city');
    const change = (await registry.locator('tbody tr').first().textContent())!.replace(/\s+/g, ' ');
    expect(change).toContain('active → deprecated');
    expect(change).toContain('user');
    expect(change).toContain(`recommendation #${fixture.recommendationId}`);
    await page.screenshot({ path: path.join(OUTPUT, 'ui-tool-registry-1400.png'), fullPage: true });

    await page.goto(new URL('/tools/steady_tool', server.url).href);
    await expect(registry.textContent()).resolves.toContain('promoted');
    await expect(registry.locator('dl.facts').textContent()).resolves.toContain(
      'Searches the <index>',
    );
    await page.context().close();
  });

  it('logged no console error', () => {
    expect(problems).toEqual([]);
  });
});
