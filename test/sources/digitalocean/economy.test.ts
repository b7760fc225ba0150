// What polling costs: requests per deployment for one commit and for twelve pushed at once, counted per
// endpoint from the fake API's request log, on a driven clock. App Platform builds one deployment at a time:
// a push that lands while another builds waits as the pending one, and a newer push supersedes it.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DoClient } from '../../../src/sources/digitalocean/client.js';
import { memoryListCache } from '../../../src/sources/digitalocean/cache.js';
import { start, type FakeDeployment } from '../../../support/fakes/doApi.js';
import { fleet, range, sha, T0, type Fleet } from '../../../support/worlds/fleet.js';

/** One push: pending, built, deployed, live after three minutes. */
const single: FakeDeployment = {
  id: 'd0',
  sha: sha(0),
  phases: [
    [5_000, 'PENDING_BUILD'],
    [8_000, 'BUILDING'],
    [120_000, 'PENDING_DEPLOY'],
    [130_000, 'DEPLOYING'],
    [180_000, 'ACTIVE'],
  ],
};

/**
 * Twelve pushes 2.5 s apart: the first builds; each later one waits as the pending deployment until the
 * next push supersedes it; the last one builds once the first is live and replaces it.
 */
function serial(n: number): FakeDeployment[] {
  const pushedAt = (i: number) => 5_000 + i * 2_500;
  return range(n).map((i): FakeDeployment => {
    if (i === 0) return { ...single, phases: [...single.phases, [350_000, 'SUPERSEDED']] };
    if (i < n - 1)
      return {
        id: `d${i}`,
        sha: sha(i),
        phases: [
          [pushedAt(i), 'PENDING_BUILD'],
          [pushedAt(i + 1), 'SUPERSEDED'],
        ],
      };
    return {
      id: `d${i}`,
      sha: sha(i),
      phases: [
        [pushedAt(i), 'PENDING_BUILD'],
        [180_000, 'BUILDING'],
        [290_000, 'PENDING_DEPLOY'],
        [300_000, 'DEPLOYING'],
        [350_000, 'ACTIVE'],
      ],
    };
  });
}

/** Commits made one after the other: an earlier one is contained in every later one. */
const linear = async (a: string, b: string) => {
  const index = (s: string) => range(12).findIndex((i) => sha(i) === s);
  return index(a) >= 0 && index(b) >= 0 ? index(a) <= index(b) : null;
};

function figures(label: string, run: Fleet, deployments: number): string {
  const perDeployment = (run.requests / deployments).toFixed(1);
  return `${label}: ${run.requests} requests for ${deployments} deployment(s) (${perDeployment} each) ${JSON.stringify(run.byEndpoint)}`;
}

describe('what a poll costs (driven clock, fake DigitalOcean)', () => {
  it('one commit: every outcome right, and the requests per endpoint', async (t) => {
    const one = await fleet([single], [sha(0)]);
    assert.equal(one.records.get(sha(0))?.state, 'success');
    t.diagnostic(figures('one commit', one, 1));
    // The README's figures (15: 14 app + 1 list, on this driven clock): a regression shows here.
    assert.ok(one.requests <= 15, `${one.requests} requests for one three-minute deployment`);
    assert.ok(
      (one.byEndpoint.app ?? 0) >= one.requests - 2,
      `mostly the app endpoint: ${JSON.stringify(one.byEndpoint)}`,
    );
  });

  it('twelve commits pushed at once (serial builds, supersedes): every outcome right, and the requests', async (t) => {
    const twelve = await fleet(serial(12), range(12).map(sha), { isAncestor: linear });
    const states = range(12).map((i) => twelve.records.get(sha(i))?.state);
    assert.deepEqual(states, Array(12).fill('success'));
    t.diagnostic(figures('twelve commits', twelve, 12));
    assert.ok(twelve.requests <= 33, `${twelve.requests} requests for twelve commits (README: 32)`);
  });
});

/** The gaps between one run's requests, in ms. */
const gaps = (run: Fleet) => run.log.slice(1).map((r, i) => r.at - run.log[i]!.at);

describe('the token budget (driven clock, fake DigitalOcean)', () => {
  it('with ample budget the polls keep the configured 5 s, then 15 s', async () => {
    const one = await fleet([single], [sha(0)], { limits: { remaining: 5_000, windowMs: 3_600_000 } });
    assert.equal(one.records.get(sha(0))?.state, 'success');
    assert.deepEqual(
      [...new Set(gaps(one))].sort((a, b) => a - b),
      [5_000, 10_000, 15_000],
    );
    assert.ok(
      gaps(one)
        .slice(-3)
        .every((g) => g === 15_000),
      `${gaps(one)}`,
    );
  });

  it('60 requests an hour, the reset far away: no 429, requests spread to last the hour with a reserve', async (t) => {
    for (const [label, deployments, shas] of [
      ['one commit', [single], [sha(0)]],
      ['twelve commits', serial(12), range(12).map(sha)],
    ] as const) {
      const run = await fleet([...deployments], [...shas], {
        isAncestor: linear,
        limits: { remaining: 60, windowMs: 3_600_000 },
      });
      const statuses = run.log.map((r) => r.status);
      assert.ok(!statuses.includes(429), `${label}: ${statuses}`);
      for (const s of shas) assert.equal(run.records.get(s)?.state, 'success', label);
      // 60 minus the 10% reserve, spread over the hour: each gap at least the hour over what was left.
      assert.ok(run.requests <= 54, `${label}: ${run.requests} requests`);
      assert.ok(
        gaps(run).every((g) => g >= 3_600_000 / 54),
        `${label}: gaps ${gaps(run).map((g) => g / 1000)} s`,
      );
      const last = Math.max(...shas.map((s) => Date.parse(run.records.get(s)!.finishedAt!) - T0));
      t.diagnostic(
        `${label}, 60/hour: ${run.requests} requests, gaps ${gaps(run).map((g) => g / 1000)} s, last outcome at ${last / 1000} s`,
      );
    }
  });
});

describe('a paced token still shares what it fetched', () => {
  it('a second read of a fresh shared answer is served while the pace holds the next request back', async () => {
    const api = await start(
      { appId: 'app', token: 't', deployments: [single] },
      { remaining: 60, windowMs: 3_600_000 },
    );
    try {
      const client = new DoClient({
        apiUrl: api.url,
        token: 't',
        appId: 'app',
        timeoutMs: 5_000,
        perPage: 20,
        now: Date.now,
        random: () => 0.5,
        cache: memoryListCache(4_000, Date.now),
      });
      assert.equal((await client.listPage(1)).ok, true);
      assert.ok(client.gate.waitMs() > 1_000, 'the small budget paces the next request');
      const again = await client.listPage(1);
      assert.equal(again.ok, true, 'the shared answer is served, not refused by the pace');
      assert.equal(api.apiRequests().length, 1, 'and it cost no request');
      assert.equal((await client.deployment('d0')).ok, false, 'a request of its own waits for the pace');
    } finally {
      await api.close();
    }
  });
});
