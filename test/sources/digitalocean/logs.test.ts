// Logs after a failure arrive through faults, or the record says why not; `deploy-watch logs` fetches
// them later and follows a live log. The monitor runs on a driven clock against the fake App Platform
// API; `check` and `logs` run through the built CLI on the same state folder.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { cliAsync } from '../../../support/helpers/cli.js';
import { holds, SHAPES } from '../../../support/helpers/jsonShapes.js';
import { FileStatusStore } from '../../../src/store/files/fileStatusStore.js';
import { followCommit } from '../../../src/watcher/follow.js';
import { noCache } from '../../../src/sources/digitalocean/cache.js';
import { createDigitalOceanSource } from '../../../src/sources/digitalocean/source.js';
import { start, type FakeDeployment } from '../../../support/fakes/doApi.js';
import { VirtualClock } from '../../../support/helpers/virtualClock.js';
import { cliWorld, strayProcesses } from '../../../support/worlds/cliWorld.js';
import { T0, world, type World } from '../../../support/worlds/followWorld.js';

const BUILD_LOG = `${Array.from({ length: 30 }, (_, i) => `build line ${i + 1}`).join('\n')}\nnpm ERR! Missing script: "build"\n`;

after(() => assert.deepEqual(strayProcesses(), [], 'no deploy-watch process may outlive the tests'));

/** The built CLI in the world's repository, pointed at its fake API (async: the fake answers from this process). */
function dw(w: World, ...args: string[]) {
  writeFileSync(
    join(w.repo.dir, 'deploy-watch.config.json'),
    JSON.stringify({ digitalocean: { appId: 'app-1', logBudget: 5 } }),
  );
  return cliAsync(args, {
    cwd: w.repo.dir,
    env: { ...w.repo.env, DIGITALOCEAN_ACCESS_TOKEN: 'dop_v1_good', DEPLOY_WATCH_DO_API_URL: w.api.url },
  });
}

function assertNoTokenToLogUrls(w: { api: World['api'] }): void {
  const logUrls = w.api.logUrlRequests();
  assert.ok(logUrls.length > 0, 'log URLs were fetched');
  for (const r of logUrls) {
    assert.equal(r.authorized, false, `no Authorization header to ${r.path}`);
    assert.doesNotMatch(r.query, /dop_v1_good/, `no token in the query of ${r.path}`);
  }
}

describe('logs after a failure (driven clock, fake DigitalOcean)', () => {
  it('500s and 429s for 20 s after ERROR: the record is final at once, the build log arrives, check shows its last lines', async () => {
    let sha = '';
    const w = await world((repo) => ({
      deployments: [
        {
          id: 'd1',
          sha: (sha = repo.git('rev-parse', 'HEAD')),
          phases: [
            [0, 'BUILDING'],
            [10_000, 'ERROR'],
          ],
          logs: { BUILD: BUILD_LOG },
        },
      ],
      faults: [
        { match: '/logs?', status: 429, headers: { 'retry-after': '3' }, times: 2, until: 30_000 },
        { match: '/logs?', status: 500, times: 1_000, until: 30_000 },
        { match: '/historic/', status: 503, times: 1 },
      ],
    }));
    try {
      const final = await w.run(sha);
      assert.equal(final.state, 'failed');
      assert.equal(final.logs?.state, 'fetched');
      // The outcome was on record before any log arrived, with "fetching" and the time it gives up.
      const first = w.writes.find((r) => r.state === 'failed')!;
      assert.equal(first.logs?.state, 'fetching');
      assert.ok(Date.parse(first.finishedAt!) - T0 <= 15_000, 'final within one poll of the ERROR');
      assert.ok(w.clock.now >= T0 + 30_000, `the logs came after the faults ended (${w.clock.now - T0} ms)`);
      assert.ok(w.api.requests.some((r) => r.path.includes('/logs') && r.status === 429));
      assert.ok(w.api.requests.some((r) => r.path.includes('/logs') && r.status === 500));
      assert.match(readFileSync(final.logFile!, 'utf8'), /build line 30\nnpm ERR! Missing script/);
      const check = await dw(w, 'check', sha);
      assert.equal(check.code, 1, check.stderr);
      assert.match(check.stdout, /build line 29\n.*build line 30\n.*npm ERR! Missing script: "build"/);
      assertNoTokenToLogUrls(w);
    } finally {
      await w.close();
    }
  });

  it('historic_urls empty for the first 10 s: asked again until archived, then fetched', async () => {
    let sha = '';
    const w = await world((repo) => ({
      deployments: [
        {
          id: 'd2',
          sha: (sha = repo.git('rev-parse', 'HEAD')),
          phases: [
            [0, 'BUILDING'],
            [5_000, 'ERROR'],
          ],
          archivedAt: 15_000,
          logs: { BUILD: BUILD_LOG },
        },
      ],
    }));
    try {
      const final = await w.run(sha);
      assert.equal(final.logs?.state, 'fetched');
      const asked = w.api.requests.filter((r) => r.path.endsWith('/logs') && r.query.includes('type=BUILD'));
      assert.ok(asked.filter((r) => r.at < 15_000).length >= 2, 'asked while not archived');
      assert.ok(
        asked.some((r) => r.at >= 15_000),
        'asked again once archived',
      );
      assert.match(readFileSync(final.logFile!, 'utf8'), /npm ERR! Missing script/);
    } finally {
      await w.close();
    }
  });

  it('a log URL answering 403 throughout: the record says so within the budget, and `logs` fetches them later', async () => {
    let sha = '';
    let d: FakeDeployment | undefined;
    const w = await world((repo) => {
      d = {
        id: 'd3',
        sha: (sha = repo.git('rev-parse', 'HEAD')),
        phases: [
          [0, 'BUILDING'],
          [5_000, 'ERROR'],
        ],
        logUrlStatus: 403,
        logs: { BUILD: BUILD_LOG },
      };
      return { deployments: [d] };
    });
    try {
      const started = w.clock.now;
      const final = await w.run(sha, { logBudgetMs: 30_000 });
      assert.equal(final.state, 'failed');
      assert.equal(final.logs?.state, 'missing');
      assert.match(final.logs?.reason ?? '', /BUILD: gave up within the log budget .*HTTP 403/);
      assert.ok(w.clock.now - started <= 5_000 + 15_000 + 30_000, 'within the budget');
      const check = await dw(w, 'check', sha);
      assert.equal(check.code, 1);
      assert.match(
        check.stdout,
        /The logs are missing: .*HTTP 403.*Fetch them later with: deploy-watch logs [0-9a-f]{7}/,
      );
      // Later the storage host serves them again.
      d!.logUrlStatus = undefined;
      const logs = await dw(w, 'logs', sha, '--tail', '2');
      assert.equal(logs.code, 0, logs.stdout + logs.stderr);
      assert.equal(logs.stdout, 'build line 30\nnpm ERR! Missing script: "build"\n');
      const logsJson = await dw(w, 'logs', sha, '--tail', '2', '--json');
      assert.equal(logsJson.code, 0, logsJson.stderr);
      holds(JSON.parse(logsJson.stdout), SHAPES['logs --json']!, 'logs --json');
      assert.deepEqual((JSON.parse(logsJson.stdout) as { lines: string[] }).lines, [
        'build line 30',
        'npm ERR! Missing script: "build"',
      ]);
      const after = await dw(w, 'check', sha, '--json');
      const json = JSON.parse(after.stdout) as { record: { logs: { state: string } }; logTail: string[] };
      assert.equal(json.record.logs.state, 'fetched');
      assert.ok(json.logTail.includes('npm ERR! Missing script: "build"'));
      assertNoTokenToLogUrls(w);
    } finally {
      await w.close();
    }
  });

  it('five commits at once, a 500 every 7th request and the first three answers 429: the failing one ends with its log', async () => {
    const clock = new VirtualClock(T0);
    const sha = (i: number) => (i + 1).toString(16).padStart(40, 'e');
    const deployments: FakeDeployment[] = Array.from({ length: 5 }, (_, i) => ({
      id: `f${i}`,
      sha: sha(i),
      phases: [
        [1_000 + i * 300, 'BUILDING'],
        [40_000 + i * 2_000, i === 2 ? 'ERROR' : 'ACTIVE'],
      ],
      ...(i === 2 ? { logs: { BUILD: BUILD_LOG } } : {}),
    }));
    const api = await start(
      {
        appId: 'app',
        token: 't',
        deployments,
        faults: [
          { status: 429, headers: { 'retry-after': '2' }, times: 3 },
          { status: 500, every: 7, times: 100_000 },
        ],
      },
      { now: clock.now },
    );
    const dir = mkdtempSync(join(tmpdir(), 'dw-logs-'));
    try {
      const store = new FileStatusStore(dir);
      const records = await clock.all(
        deployments.map(
          (d) => () =>
            followCommit({
              sha: d.sha,
              branch: 'main',
              remote: 'origin',
              pid: process.pid,
              store,
              polling: { fastInterval: 5, fastFor: 60, slowInterval: 15, timeout: 1800 },
              now: clock.now,
              sleep: clock.sleep,
              signal: new AbortController().signal,
              // No shared list cache: every monitor asks on its own, so the faults land among their requests.
              sources: [
                createDigitalOceanSource({
                  apiUrl: api.url,
                  token: 't',
                  appId: 'app',
                  timeoutMs: 5_000,
                  perPage: 50,
                  now: clock.now,
                  random: () => 0.5,
                  cache: noCache,
                  isAncestor: async () => null,
                }),
              ],
            }),
        ),
      );
      assert.deepEqual(
        records.map((r) => r.state),
        ['success', 'success', 'failed', 'success', 'success'],
      );
      assert.equal(records[2]!.logs?.state, 'fetched');
      assert.match(readFileSync(records[2]!.logFile!, 'utf8'), /npm ERR! Missing script: "build"/);
      assert.deepEqual(
        [api.requests.filter((r) => r.status === 429).length, api.requests.some((r) => r.status === 500)],
        [3, true],
        'the faults were served',
      );
    } finally {
      await api.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a 4xx on the logs endpoint is not retried: the record says why at once', async () => {
    let sha = '';
    const w = await world((repo) => ({
      deployments: [
        {
          id: 'd8',
          sha: (sha = repo.git('rev-parse', 'HEAD')),
          phases: [
            [0, 'BUILDING'],
            [5_000, 'ERROR'],
          ],
          logs: { BUILD: BUILD_LOG },
        },
      ],
      faults: [{ match: '/logs?type=BUILD', status: 422, times: 1_000 }],
    }));
    try {
      const final = await w.run(sha);
      assert.equal(final.logs?.state, 'missing');
      assert.match(final.logs?.reason ?? '', /BUILD: .*422/);
      assert.equal(w.api.requests.filter((r) => r.query.includes('type=BUILD')).length, 1);
    } finally {
      await w.close();
    }
  });

  it('logs for a commit no deployment was built from: exit 3 like check, saying so', async () => {
    const w = await world({ deployments: [] });
    try {
      const r = await dw(w, 'logs', 'HEAD', '--json');
      assert.equal(r.code, 3, r.stderr);
      const json = JSON.parse(r.stdout) as { outcome: string; message: string };
      holds(json, SHAPES['logs --json (no logs to show)']!, 'logs --json');
      assert.equal(json.outcome, 'not_found');
      assert.match(json.message, /No DigitalOcean deployment is known/);
    } finally {
      await w.close();
    }
  });
});

describe('logs through the built CLI (real time, fake DigitalOcean)', () => {
  it('monitor: a 403 log URL leaves the outcome and says the logs are missing and how to get them', async () => {
    let sha = '';
    const w = await cliWorld(
      (repo) => ({
        deployments: [
          {
            id: 'd4',
            sha: (sha = repo.git('rev-parse', 'HEAD')),
            phases: [
              [0, 'BUILDING'],
              [200, 'ERROR'],
            ],
            logUrlStatus: 403,
            logs: { BUILD: 'boom\n' },
          },
        ],
      }),
      { config: { digitalocean: { appId: 'app-1', logBudget: 1 } } },
    );
    try {
      const r = await w.dw('monitor', sha);
      assert.equal(r.code, 1, r.stderr);
      assert.equal(w.record(sha)?.logs?.state, 'missing');
      const check = await w.dw('check', sha);
      assert.match(check.stdout, /The logs are missing: .*HTTP 403.*deploy-watch logs /);
      assertNoTokenToLogUrls(w);
    } finally {
      await w.close();
    }
  });

  it('check while the monitor still fetches the logs: the outcome now, and that the logs are coming', async () => {
    let sha = '';
    const w = await cliWorld(
      (repo) => ({
        deployments: [
          {
            id: 'd6',
            sha: (sha = repo.git('rev-parse', 'HEAD')),
            phases: [
              [0, 'BUILDING'],
              [200, 'ERROR'],
            ],
            archivedAt: 60_000,
            logs: { BUILD: 'boom\n' },
          },
        ],
      }),
      { config: { digitalocean: { appId: 'app-1', logBudget: 30 } } },
    );
    try {
      const child = w.spawn('monitor', sha);
      await w.waitFor('the failed record', () => w.record(sha)?.state === 'failed');
      const check = await w.dw('check', sha);
      assert.equal(check.code, 1, check.stderr);
      assert.match(
        check.stdout,
        /The build and deploy logs are being fetched \(until \d\d:\d\d:\d\d UTC at the latest\)/,
      );
      assert.equal(w.record(sha)?.pid, null);
      child.kill('SIGTERM');
      await w.waitFor('the monitor to end', () => child.exitCode !== null || child.signalCode !== null);
      assert.equal(w.record(sha)?.state, 'failed', 'stopping it during the log fetch keeps the outcome');
      assert.match(w.record(sha)?.logs?.reason ?? '', /stopped before the logs arrived/);
    } finally {
      await w.close();
    }
  });

  it('logs without --follow while the deployment runs: exit 2 at once, pointing at --follow', async () => {
    let sha = '';
    const w = await cliWorld((repo) => ({
      deployments: [
        { id: 'd7', sha: (sha = repo.git('rev-parse', 'HEAD')), phases: [[0, 'BUILDING']], logs: { BUILD: 'x\n' } },
      ],
    }));
    try {
      const r = await w.dw('logs', sha);
      assert.equal(r.code, 2, r.stdout + r.stderr);
      assert.match(r.stderr, /Deployment d7 of [0-9a-f]{7} is still running \(BUILDING\).*logs [0-9a-f]{7} --follow/);
    } finally {
      await w.close();
    }
  });

  it('logs --follow prints a growing live log and ends when the deployment ends', async () => {
    let sha = '';
    const w = await cliWorld((repo) => ({
      deployments: [
        {
          id: 'd5',
          sha: (sha = repo.git('rev-parse', 'HEAD')),
          phases: [
            [0, 'BUILDING'],
            [1_500, 'ERROR'],
          ],
          live: [
            [100, 'step 1: install'],
            [500, 'step 2: compile'],
            [900, 'step 3: test'],
            [1_300, 'npm ERR! test failed'],
          ],
          logs: { BUILD: 'archived\n' },
        },
      ],
    }));
    try {
      const started = Date.now();
      const r = await w.dw('logs', sha, '--type', 'build', '--follow');
      assert.equal(r.code, 0, r.stderr);
      assert.ok(Date.now() - started >= 1_200, 'it waited for the deployment to end');
      assert.match(r.stdout, /step 1: install\nstep 2: compile\nstep 3: test\nnpm ERR! test failed\n/);
      assert.match(readFileSync(w.store.paths(sha).log, 'utf8'), /npm ERR! test failed/);
      const live = w.api.logUrlRequests().filter((q) => q.path.startsWith('/live/'));
      assert.equal(live.length, 1);
      assertNoTokenToLogUrls(w);
    } finally {
      await w.close();
    }
  });
});
