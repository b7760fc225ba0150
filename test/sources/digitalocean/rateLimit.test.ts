// Rate limits, backoff and bad answers, on a driven clock against a strict HTTP script:
// a request the script does not expect, or an answer it never gives, fails the test.
import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { createDigitalOceanSource } from '../../../src/sources/digitalocean/source.js';
import { Gate } from '../../../src/sources/digitalocean/gate.js';
import { rateLimitWait, retryAfterMs } from '../../../src/sources/digitalocean/http.js';
import type { Source } from '../../../src/sources/source.js';
import { scriptedServer, type Scripted, type Step } from '../../../support/fakes/scriptedHttp.js';

const SHA = 'a'.repeat(40);
const T0 = Date.parse('2026-03-02T10:00:00Z');
const LIST = '/v2/apps/app-1/deployments?page=1';
const deployment = (phase: string) => ({
  id: 'dep-1',
  phase,
  created_at: '2026-03-02T10:00:01Z',
  services: [{ name: 'api', source_commit_hash: SHA }],
});
const ok = (phase: string, headers: Record<string, string> = {}): Step => ({
  expect: LIST,
  status: 200,
  body: { deployments: [deployment(phase)], links: {}, meta: { total: 1 } },
  headers,
});

let server: Scripted | null = null;
afterEach(async () => {
  await server?.close();
  server = null;
});

async function setup(steps: Step[]): Promise<{ source: Source; clock: { now: number } }> {
  server = await scriptedServer(steps);
  const clock = { now: T0 };
  const source = createDigitalOceanSource({
    apiUrl: server.url,
    token: 'dop_v1_test',
    appId: 'app-1',
    timeoutMs: 2_000,
    perPage: 50,
    now: () => clock.now,
    random: () => 0.5,
    isAncestor: async () => false,
  });
  return { source, clock };
}

const ctx = { sha: SHA, branch: 'main' };

describe('DigitalOcean rate limits and failures', () => {
  it('a 429 with retry-after holds every request until then, then polls again', async () => {
    const { source, clock } = await setup([
      {
        expect: LIST,
        status: 429,
        body: { id: 'too_many_requests', message: 'API rate limit exceeded.' },
        headers: { 'retry-after': '29', 'ratelimit-remaining': '0' },
      },
      ok('BUILDING'),
    ]);
    const first = await source.observe(ctx);
    assert.equal(first.kind, 'unavailable');
    assert.equal(first.kind === 'unavailable' && first.retryAfterMs, 29_000);
    assert.match(first.kind === 'unavailable' ? first.reason : '', /rate limit/);
    clock.now += 10_000;
    const held = await source.observe(ctx); // no request: the script would fail on one
    assert.equal(held.kind === 'unavailable' && held.retryAfterMs, 19_000);
    clock.now += 19_000;
    const after = await source.observe(ctx);
    assert.equal(after.kind === 'state' && after.state, 'building');
    server!.verify();
  });

  it('ratelimit-remaining 0 on a good answer waits for ratelimit-reset before the next request', async () => {
    const reset = String((T0 + 40_000) / 1000);
    const { source, clock } = await setup([
      ok('BUILDING', { 'ratelimit-remaining': '0', 'ratelimit-reset': reset }),
      // The list showed the deployment building: the next poll asks the app, which names it.
      { expect: '/v2/apps/app-1', status: 200, body: { app: { spec: {}, active_deployment: deployment('ACTIVE') } } },
    ]);
    assert.equal((await source.observe(ctx)).kind, 'state');
    clock.now += 15_000;
    const held = await source.observe(ctx);
    assert.equal(held.kind === 'unavailable' && held.retryAfterMs, 25_000);
    clock.now += 25_000;
    const done = await source.observe(ctx);
    assert.equal(done.kind === 'state' && done.state, 'success');
    server!.verify();
  });

  it('5xx backs off with jitter, growing per failure, and recovers', async () => {
    const { source, clock } = await setup([
      { expect: LIST, status: 503, body: { id: 'service_unavailable', message: 'down' } },
      { expect: LIST, status: 500, body: 'oops' },
      ok('DEPLOYING'),
    ]);
    const a = await source.observe(ctx);
    assert.equal(a.kind === 'unavailable' && a.retryAfterMs, 1_500); // 2 s base: 1 s fixed + 0.5 × 1 s jitter
    clock.now += 1_500;
    const b = await source.observe(ctx);
    assert.equal(b.kind === 'unavailable' && b.retryAfterMs, 3_000); // doubled: 2 s + 0.5 × 2 s
    assert.equal(b.kind === 'unavailable' && b.permanent, undefined);
    clock.now += 3_000;
    const c = await source.observe(ctx);
    assert.equal(c.kind === 'state' && c.state, 'deploying');
    server!.verify();
  });

  it('malformed JSON and an unexpected shape are failed polls, never a crash', async () => {
    const { source, clock } = await setup([
      { expect: LIST, status: 200, body: '{"deployments": [' },
      { expect: LIST, status: 200, body: { deployments: [{ phase: 'ACTIVE' }] } },
      ok('ACTIVE'),
    ]);
    const bad = await source.observe(ctx);
    assert.match(bad.kind === 'unavailable' ? bad.reason : '', /malformed JSON/);
    clock.now += 60_000;
    const shape = await source.observe(ctx);
    assert.match(shape.kind === 'unavailable' ? shape.reason : '', /unexpected shape \(deployments\.0\.id/);
    clock.now += 60_000;
    assert.equal((await source.observe(ctx)).kind, 'state');
    server!.verify();
  });

  it('401 and 403 say the token is wrong, permanently', async () => {
    for (const status of [401, 403]) {
      const { source } = await setup([
        { expect: LIST, status, body: { id: 'unauthorized', message: 'Unable to authenticate you.' } },
      ]);
      const seen = await source.observe(ctx);
      assert.equal(seen.kind === 'unavailable' && seen.permanent, true);
      assert.match(
        seen.kind === 'unavailable' ? seen.reason : '',
        new RegExp(`HTTP ${status}.*DIGITALOCEAN_ACCESS_TOKEN`),
      );
      server!.verify();
      await server!.close();
      server = null;
    }
  });
});

describe('rate-limit arithmetic', () => {
  it('reads retry-after in seconds or as a date, else ratelimit-reset', () => {
    assert.equal(retryAfterMs(new Headers({ 'retry-after': '29' }), T0), 29_000);
    assert.equal(retryAfterMs(new Headers({ 'retry-after': new Date(T0 + 5_000).toUTCString() }), T0), 5_000);
    assert.equal(retryAfterMs(new Headers({ 'ratelimit-reset': String(T0 / 1000 + 7) }), T0), 7_000);
    assert.equal(retryAfterMs(new Headers({}), T0), null);
    assert.equal(
      rateLimitWait(new Headers({ 'ratelimit-remaining': '12', 'ratelimit-reset': String(T0 / 1000 + 7) }), T0),
      0,
    );
  });

  it('caps the backoff and keeps the jitter inside [half, full]', () => {
    let r = 0;
    const gate = new Gate({ now: () => T0, random: () => r, capMs: 60_000 });
    const waits: number[] = [];
    for (let i = 0; i < 8; i++) {
      r = i % 2 ? 0.999 : 0;
      waits.push(gate.failed());
    }
    assert.deepEqual(waits.slice(0, 3), [1_000, 3_998, 4_000]);
    for (const w of waits) assert.ok(w <= 60_000 && w >= 1_000);
    assert.equal(waits[7], 59_970);
  });

  it("names the longest hold's cause: a failure's short backoff inside a 429's wait is still the rate limit", () => {
    const gate = new Gate({ now: () => T0, random: () => 0 });
    gate.block(60_000, 'rate limit');
    gate.failed();
    assert.equal(gate.cause(), 'rate limit');
    assert.equal(gate.waitMs(), 60_000);
  });
});

describe('slow and unreachable API', () => {
  it('a slow answer times out as a failed poll with backoff; an unreachable API likewise', async () => {
    const { start } = await import('../../../support/fakes/doApi.js');
    const api = await start({ appId: 'app-1', token: 't', deployments: [], faults: [{ delayMs: 1_000 }] });
    const clock = { now: T0 };
    const make = (apiUrl: string) =>
      createDigitalOceanSource({
        apiUrl,
        token: 't',
        appId: 'app-1',
        timeoutMs: 100,
        perPage: 50,
        now: () => clock.now,
        random: () => 0,
        isAncestor: async () => null,
      });
    try {
      const slow = await make(api.url).observe(ctx);
      assert.equal(slow.kind, 'unavailable');
      assert.match(slow.kind === 'unavailable' ? slow.reason : '', /no answer within 100 ms/);
      assert.equal(slow.kind === 'unavailable' && slow.retryAfterMs, 1_000);
      const dead = make('http://127.0.0.1:9');
      const refused = await dead.observe(ctx);
      assert.match(refused.kind === 'unavailable' ? refused.reason : '', /unreachable \(.*ECONNREFUSED/);
      assert.equal(refused.kind === 'unavailable' && refused.permanent, undefined);
    } finally {
      await api.close();
    }
  });
});
