import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serveUi, type UiServer } from '../../src/index.js';
import { openTestStore } from '../helpers/db.js';
import { seedUiHistory, type UiFixture } from './fixture.js';

const TOKEN = 'test-token-0123456789abcdef';

describe('web UI: JSON routes, bad requests, auth and CSRF', () => {
  let server: UiServer;
  let guarded: UiServer;
  let fixture: UiFixture;
  const errors: Error[] = [];

  beforeAll(async () => {
    const { store, url } = await openTestStore();
    fixture = await seedUiHistory(store, url);
    server = await serveUi({ store, port: 0, onError: (e) => errors.push(e) });
    guarded = await serveUi({ store, port: 0, authToken: TOKEN, onError: (e) => errors.push(e) });
  });
  afterAll(async () => {
    await server?.close();
    await guarded?.close();
  });

  const get = (path: string, init?: RequestInit): Promise<Response> =>
    fetch(new URL(path, server.url), init);

  it('binds loopback on the port it was given', () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    expect(server.port).toBeGreaterThan(0);
  });

  it('lists executions filtered by outcome and tool, newest first, with keyset pages', async () => {
    const res = await get('/api/executions?success=false&tool=flaky_tool&limit=5');
    expect(res.status).toBe(200);
    const first = (await res.json()) as {
      items: Array<{ executionId: string; success: boolean; createdAt: string }>;
      next: string;
    };
    expect(first.items).toHaveLength(5);
    expect(first.items.every((e) => e.success === false)).toBe(true);
    const next = (await (
      await get(`/api/executions?success=false&tool=flaky_tool&limit=5&after=${first.next}`)
    ).json()) as typeof first;
    // 14 failures (i % 3 === 0 for i < 40): pages of 5, 5, 4 with no overlap, in order.
    const third = (await (
      await get(`/api/executions?success=false&tool=flaky_tool&limit=5&after=${next.next}`)
    ).json()) as typeof first;
    expect(third.items).toHaveLength(4);
    expect(third.next).toBeNull();
    const all = [...first.items, ...next.items, ...third.items];
    expect(new Set(all.map((e) => e.executionId)).size).toBe(14);
    const times = all.map((e) => Date.parse(e.createdAt));
    expect([...times].sort((a, b) => b - a)).toEqual(times);
  });

  it('filters by intent and goal text, with LIKE wildcards taken literally', async () => {
    const byText = (await (await get('/api/executions?q=%3Cscript')).json()) as {
      items: unknown[];
    };
    expect(byText.items).toHaveLength(1);
    const wildcard = (await (await get('/api/executions?q=%25')).json()) as { items: unknown[] };
    expect(wildcard.items).toHaveLength(0);
    const intent = (await (await get('/api/executions?intent=search&limit=100')).json()) as {
      items: Array<{ intent: string }>;
    };
    expect(intent.items).toHaveLength(20);
    expect(intent.items.every((e) => e.intent === 'search')).toBe(true);
  });

  it('returns one execution with its tool runs, parameters, errors and feedback', async () => {
    const detail = (await (await get(`/api/executions/${fixture.failedExecutionId}`)).json()) as {
      toolRuns: Array<{ toolName: string; error: string | null; parameters: unknown }>;
      feedback: unknown[];
    };
    expect(detail.toolRuns.map((r) => r.toolName)).toEqual(['steady_tool', 'flaky_tool']);
    expect(detail.toolRuns[1]!.error).toBe('UpstreamTimeout: weather service did not answer');
    expect(detail.toolRuns[1]!.parameters).toEqual({ attempt: 3, city: 'Lyon' });
  });

  it('answers the tool, recommendation and job lists as JSON', async () => {
    const tools = (await (await get('/api/tools')).json()) as Array<{ toolName: string }>;
    expect(tools.map((t) => t.toolName).sort()).toEqual(['flaky_tool', 'steady_tool']);
    const tool = (await (await get('/api/tools/flaky_tool?range=7d')).json()) as {
      errors: Array<{ message: string; count: number }>;
      creations: unknown[];
      recommendations: unknown[];
    };
    expect(tool.errors).toEqual([
      expect.objectContaining({
        message: 'UpstreamTimeout: weather service did not answer',
        count: 14,
      }),
    ]);
    expect(tool.creations).toHaveLength(1);
    expect(tool.recommendations).toHaveLength(1);
    const recs = (await (await get('/api/recommendations?status=all')).json()) as unknown[];
    expect(recs.length).toBeGreaterThanOrEqual(2);
    expect(await (await get('/api/jobs')).json()).toEqual(expect.any(Array));
  });

  it.each([
    ['/api/executions?success=maybe', 400, 'success'],
    ['/api/executions?since=yesterday', 400, 'since'],
    ['/api/executions?after=not-a-cursor', 400, 'after'],
    ['/api/executions?limit=0', 400, 'limit'],
    ['/api/executions/not-a-uuid', 400, 'UUID'],
    ['/api/executions/00000000-0000-4000-8000-000000000000', 404, 'no execution'],
    ['/api/tools/no_such_tool', 404, 'no tool'],
    ['/api/recommendations?status=pending', 400, 'status'],
    ['/api/nothing-here', 404, 'nothing at'],
  ])('%s answers %i with a JSON error naming the problem', async (path, status, words) => {
    const res = await get(path);
    expect(res.status).toBe(status);
    const body = (await res.json()) as { error: { code: string; message: string } };
    expect(body.error.message).toContain(words);
    expect(JSON.stringify(body)).not.toMatch(/ at .*\.(ts|js):\d+/);
  });

  it('answers bad page requests with a 4xx page, never a stack trace', async () => {
    for (const [path, status] of [
      ['/executions?since=31/12/2025', 400],
      ['/executions/00000000-0000-4000-8000-000000000000', 404],
      ['/tools/nope', 404],
      ['/recommendations?status=x', 400],
    ] as const) {
      const res = await get(path);
      expect(res.status, path).toBe(status);
      const text = await res.text();
      expect(text).toContain(`<h1>${status}`);
      expect(text).not.toMatch(/\.(ts|js):\d+/);
    }
  });

  it('escapes stored text in pages', async () => {
    const text = await (await get('/executions?q=script')).text();
    expect(text).toContain(
      'Render &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; friends',
    );
    expect(text).not.toContain('<script>alert');
  });

  it('refuses a Host that is not loopback (DNS rebinding)', async () => {
    // fetch() will not send a Host of our choosing; node:http will.
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(
        new URL('/api/tools', server.url),
        { headers: { Host: 'attacker.example' } },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      );
      req.on('error', reject);
      req.end();
    });
    expect(status).toBe(421);
  });

  it('changes state only with the CSRF token and from its own origin', async () => {
    const path = `/api/recommendations/${fixture.otherRecommendationId}/dismiss`;
    expect((await get(path, { method: 'POST' })).status).toBe(403);
    const page = await (await get('/recommendations')).text();
    const csrf = /name="_csrf" value="([^"]+)"/.exec(page)![1]!;
    const crossSite = await get(path, {
      method: 'POST',
      headers: { 'x-csrf-token': csrf, Origin: 'http://evil.example' },
    });
    expect(crossSite.status).toBe(403);
    const ok = await get(path, { method: 'POST', headers: { 'x-csrf-token': csrf } });
    expect(ok.status).toBe(200);
    expect(((await ok.json()) as { status: string }).status).toBe('dismissed');
    // Deciding twice the same way is idempotent; changing a decision is refused.
    expect((await get(path, { method: 'POST', headers: { 'x-csrf-token': csrf } })).status).toBe(
      200,
    );
    const flip = await get(path.replace('dismiss', 'accept'), {
      method: 'POST',
      headers: { 'x-csrf-token': csrf },
    });
    expect(flip.status).toBe(400);
    expect(((await flip.json()) as { error: { message: string } }).error.message).toContain(
      'already dismissed',
    );
    const unknown = await get('/api/recommendations/999999/accept', {
      method: 'POST',
      headers: { 'x-csrf-token': csrf },
    });
    expect(unknown.status).toBe(404);
  });

  it('with a token: refuses requests without it, accepts the bearer header and the login cookie', async () => {
    const at = (path: string): URL => new URL(path, guarded.url);
    const missing = await fetch(at('/api/tools'));
    expect(missing.status).toBe(401);
    expect(((await missing.json()) as { error: { message: string } }).error.message).toContain(
      'token',
    );
    expect(
      (
        await fetch(at('/api/tools'), {
          headers: { Authorization: 'Bearer wrong-token-0123456789' },
        })
      ).status,
    ).toBe(401);
    expect(
      (await fetch(at('/api/tools'), { headers: { Authorization: `Bearer ${TOKEN}` } })).status,
    ).toBe(200);
    const page = await fetch(at('/executions'));
    expect(page.status).toBe(401);
    expect(await page.text()).toContain('Access token needed');
    const login = await fetch(at('/login'), {
      method: 'POST',
      body: new URLSearchParams({ token: TOKEN, next: '/executions' }),
      redirect: 'manual',
    });
    expect(login.status).toBe(303);
    const cookie = login.headers.get('set-cookie')!.split(';')[0]!;
    expect(login.headers.get('set-cookie')).toMatch(/HttpOnly/i);
    const withCookie = await fetch(at('/executions'), { headers: { Cookie: cookie } });
    expect(withCookie.status).toBe(200);
    // The cookie alone does not let a form change anything: it still needs the CSRF token.
    const forged = await fetch(at(`/recommendations/${fixture.recommendationId}/accept`), {
      method: 'POST',
      headers: { Cookie: cookie },
      body: new URLSearchParams({ back: '/recommendations' }),
      redirect: 'manual',
    });
    expect(forged.status).toBe(403);
  });

  it('refuses to bind beyond loopback without a token', async () => {
    const { store } = await openTestStore();
    await expect(serveUi({ store, port: 0, host: '0.0.0.0' })).rejects.toMatchObject({
      code: 'CONFIG',
    });
  });

  it('reported no server-side fault', () => {
    expect(errors).toEqual([]);
  });
});

describe('web UI: where reads and writes go', () => {
  it('reads from the read URL (POSTGRES_READ_URL) and decides recommendations on the primary', async () => {
    // Two separate databases stand in for primary and replica: what the UI lists shows which one it read.
    const { ExecutionStore } = await import('../../src/index.js');
    const { createTestDatabase } = await import('../helpers/db.js');
    const primaryUrl = await createTestDatabase();
    const readUrl = await createTestDatabase();
    const reader = await ExecutionStore.open({ connectionString: readUrl });
    await reader.storeExecution({ goalText: 'only in the read database' });
    await reader.close();
    const store = await ExecutionStore.open({ connectionString: primaryUrl, readUrl });
    const fixture = await seedUiHistory(store, primaryUrl);
    const ui = await serveUi({ store, port: 0 });
    try {
      const list = (await (await fetch(new URL('/api/executions', ui.url))).json()) as {
        items: Array<{ goalText: string }>;
      };
      expect(list.items.map((e) => e.goalText)).toEqual(['only in the read database']);
      const page = await (await fetch(new URL('/jobs', ui.url))).text();
      const csrf = /name="_csrf" value="([^"]+)"/.exec(page)?.[1] ?? 'none';
      const accepted = await fetch(
        new URL(`/api/recommendations/${fixture.recommendationId}/accept`, ui.url),
        { method: 'POST', headers: { 'x-csrf-token': csrf } },
      );
      expect(accepted.status).toBe(200);
    } finally {
      await ui.close();
      await store.close();
    }
  });
});
