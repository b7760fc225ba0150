// Several App Platform apps per push (digitalocean.apps): the combined source against the fake API serving
// several apps, on the driven clock, through the real monitor loop and store.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { createGit } from '../../../src/git/git.js';
import { isAncestorFetchingOnce } from '../../../src/git/queries.js';
import type { AppRef } from '../../../src/store/statusRecord.js';
import { memoryListCache } from '../../../src/sources/digitalocean/cache.js';
import { createAppsSource, SPEC_TRIES } from '../../../src/sources/digitalocean/apps.js';
import { APP_TRIES } from '../../../src/sources/digitalocean/source.js';
import { pushSpec, type FakeApp, type FakeDeployment, type Fault } from '../../../support/fakes/doApi.js';
import type { TestRepo } from '../../../support/helpers/repo.js';
import { T0, world, type World } from '../../../support/worlds/followWorld.js';

const API: AppRef = { id: 'app-1', name: 'api' };
const WEB: AppRef = { id: 'web-1', name: 'web' };
const DOCS: AppRef = { id: 'docs-1', name: 'docs' };

function appsSource(w: World, apps: AppRef[]) {
  const git = createGit(w.repo.dir, w.repo.env);
  return createAppsSource({
    apiUrl: w.api.url,
    token: 'dop_v1_good',
    apps,
    branch: 'main',
    timeoutMs: 2_000,
    perPage: 50,
    now: () => w.clock.now,
    random: () => 0.5,
    // As the watcher has it: the polls and the spec read share the app answer.
    cache: memoryListCache(4_000, () => w.clock.now),
    isAncestor: (a, b) => isAncestorFetchingOnce(git, 'origin', a, b),
  });
}

const head = (w: World) => w.repo.git('rev-parse', 'HEAD');

type Phases = FakeDeployment['phases'];
interface Extra {
  api?: Partial<FakeDeployment>;
  web?: Partial<FakeDeployment>;
  webApp?: Partial<FakeApp>;
  apps?: FakeApp[];
  faults?: Fault[];
}

/** The world's own app is api (app-1, deployment d-api), web (web-1, d-web) a second one; both build HEAD. */
function apiAndWeb(api: Phases, web: Phases, extra: Extra = {}) {
  return (repo: TestRepo) => {
    const sha = repo.git('rev-parse', 'HEAD');
    return {
      deployments: [{ id: 'd-api', sha, phases: api, ...extra.api }],
      apps: [
        { appId: WEB.id, deployments: [{ id: 'd-web', sha, phases: web, ...extra.web }], ...extra.webApp },
        ...(extra.apps ?? []),
      ],
      ...(extra.faults ? { faults: extra.faults } : {}),
    };
  };
}
const requestsTo = (w: World, prefix: string) => w.api.apiRequests().filter((q) => q.path.startsWith(prefix));

describe('several apps per push (digitalocean.apps)', () => {
  it('success only once every app is live; in progress meanwhile at the pace of the least advanced app', async () => {
    const w = await world(
      apiAndWeb(
        [
          [0, 'PENDING_BUILD'],
          [5_000, 'BUILDING'],
          [20_000, 'ACTIVE'],
        ],
        [
          [0, 'PENDING_BUILD'],
          [10_000, 'BUILDING'],
          [40_000, 'DEPLOYING'],
          [60_000, 'ACTIVE'],
        ],
        { webApp: { spec: pushSpec('shop-web') } },
      ),
    );
    try {
      const rec = await w.run(head(w), { sources: [appsSource(w, [API, WEB])] });
      assert.equal(rec.state, 'success');
      assert.equal(rec.app, null);
      assert.equal(rec.deploymentId, null, 'two deployments: each is named in the message instead');
      assert.match(
        rec.message ?? '',
        /every app is live with this commit: api \(deployment d-api\), web \(deployment d-web\)/,
      );
      assert.ok(Date.parse(rec.finishedAt!) - T0 >= 60_000, 'not before the last app went live');
      const behind = w.writes.find(
        (r) => r.state === 'building' && r.app?.name === 'web' && /^api ACTIVE/.test(r.message ?? ''),
      );
      assert.ok(behind, `a record at web's pace while api was live: ${w.writes.map((r) => r.message).join(' | ')}`);
      assert.equal(behind.deploymentId, 'd-web');
      assert.equal(behind.phase, 'BUILDING');
      assert.match(behind.message!, /^api ACTIVE, web BUILDING \d\/\d steps done/);
      // One request per app per poll, the spec read included: the app answer it comes from serves the polls.
      assert.equal(requestsTo(w, '/v2/apps/app-1').length, rec.polls);
      assert.equal(requestsTo(w, '/v2/apps/web-1').length, rec.polls);
    } finally {
      await w.close();
    }
  });

  it('failed as soon as one app fails, naming it; its logs come from that app', async () => {
    const w = await world(
      apiAndWeb(
        [
          [0, 'BUILDING'],
          [60_000, 'ACTIVE'],
        ],
        [
          [0, 'BUILDING'],
          [15_000, 'ERROR'],
        ],
        {
          api: { logs: { BUILD: 'api built fine\n' } },
          web: { logs: { BUILD: 'vite build\nnpm ERR! web build broke\n' } },
        },
      ),
    );
    try {
      const sha = head(w);
      const rec = await w.run(sha, { sources: [appsSource(w, [API, WEB])], logBudgetMs: 10_000 });
      assert.equal(rec.state, 'failed');
      assert.deepEqual(rec.app, WEB);
      assert.equal(rec.deploymentId, 'd-web');
      assert.equal(rec.phase, 'ERROR');
      assert.match(rec.message ?? '', /^web: deployment failed at build › components › api/);
      assert.ok(Date.parse(rec.finishedAt!) - T0 < 60_000, 'without waiting for api');
      assert.equal(rec.logs?.state, 'fetched');
      const log = readFileSync(rec.logFile!, 'utf8');
      assert.match(log, /npm ERR! web build broke/);
      assert.doesNotMatch(log, /api built fine/);
      const logCalls = w.api.apiRequests().filter((q) => q.path.endsWith('/logs'));
      assert.ok(logCalls.length >= 1);
      assert.ok(
        logCalls.every((q) => q.path.startsWith('/v2/apps/web-1/deployments/d-web/')),
        JSON.stringify(logCalls),
      );
    } finally {
      await w.close();
    }
  });

  it('leaves out an app whose spec deploys another branch, and says so', async () => {
    const w = await world(
      apiAndWeb(
        [
          [0, 'BUILDING'],
          [10_000, 'ACTIVE'],
        ],
        [
          [0, 'BUILDING'],
          [12_000, 'ACTIVE'],
        ],
        // Never deploys this commit: were it watched, the commit would wait for it until the deadline.
        { apps: [{ appId: DOCS.id, spec: pushSpec('docs', 'gh-pages'), deployments: [] }] },
      ),
    );
    try {
      const rec = await w.run(head(w), { sources: [appsSource(w, [API, WEB, DOCS])] });
      assert.equal(rec.state, 'success');
      assert.match(
        rec.message ?? '',
        /api \(deployment d-api\), web \(deployment d-web\); docs left out: a push to main does not deploy it/,
      );
      assert.deepEqual(
        requestsTo(w, '/v2/apps/docs-1').map((q) => q.path),
        ['/v2/apps/docs-1'],
        'its spec on the first poll (that answer would have served the poll too), then nothing',
      );
    } finally {
      await w.close();
    }
  });

  it('an app whose spec cannot be read is watched anyway, saying so, and its spec asked again', async () => {
    const w = await world(
      apiAndWeb(
        [
          [0, 'BUILDING'],
          [10_000, 'ACTIVE'],
        ],
        [
          [0, 'BUILDING'],
          [30_000, 'ERROR'],
        ],
        { webApp: { specStatus: 500 } },
      ),
    );
    try {
      const rec = await w.run(head(w), { sources: [appsSource(w, [API, WEB])], logBudgetMs: 1_000 });
      assert.equal(rec.state, 'failed', 'web counted although its spec never answered');
      assert.deepEqual(rec.app, WEB);
      assert.match(rec.message ?? '', /web's spec could not be read \(.*500.*\), so it is watched/);
      const specReads = requestsTo(w, '/v2/apps/web-1').filter((q) => q.path === '/v2/apps/web-1');
      // The spec's tries, and the polls' own tries of the same answer before they keep to the list.
      assert.ok(specReads.length >= SPEC_TRIES && specReads.length <= SPEC_TRIES + APP_TRIES, `${specReads.length}`);
      const last = specReads[specReads.length - 1]!.at;
      assert.ok(
        w.api.apiRequests().some((q) => q.at > last),
        'asked again on later polls, then given up on',
      );
    } finally {
      await w.close();
    }
  });

  it('when no listed app deploys the branch, the source says so once and for all', async () => {
    const w = await world({
      deployments: [],
      spec: pushSpec('api', 'main', false),
      apps: [{ appId: WEB.id, spec: pushSpec('web', 'release'), deployments: [] }],
    });
    try {
      const rec = await w.run(head(w), { sources: [appsSource(w, [API, WEB])] });
      assert.equal(rec.state, 'stopped');
      assert.match(rec.message ?? '', /none of the apps in digitalocean\.apps \(api, web\) deploys on a push to main/);
      assert.equal(rec.polls, 1);
    } finally {
      await w.close();
    }
  });

  it('all apps wait behind one rate-limit gate: a 429 for one holds the others too', async () => {
    const w = await world(
      apiAndWeb([[0, 'BUILDING']], [[0, 'BUILDING']], {
        faults: [{ match: '/v2/apps/web-1', status: 429, headers: { 'retry-after': '30' } }],
      }),
    );
    try {
      const source = appsSource(w, [API, WEB]);
      const ctx = { sha: head(w), branch: 'main' };
      const first = await source.observe(ctx);
      assert.equal(first.kind, 'unavailable');
      // Its 429 came on the first request (the spec's app answer): both apps are held by it.
      assert.match(first.kind === 'unavailable' ? first.reason : '', /^api: waiting 30s.*; web: waiting 30s/);
      assert.equal(first.kind === 'unavailable' ? first.retryAfterMs : 0, 30_000);
      const before = w.api.apiRequests().length;
      w.clock.now += 5_000;
      const held = await source.observe(ctx);
      assert.equal(held.kind, 'unavailable');
      assert.equal(w.api.apiRequests().length, before, 'no request for api either while the token waits');
      w.clock.now += 25_000;
      const after = await source.observe(ctx);
      assert.equal(after.kind === 'state' ? after.state : after.reason, 'building');
    } finally {
      await w.close();
    }
  });
});
