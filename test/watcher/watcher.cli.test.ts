// One watcher per repository, through the built CLI in a real repository against the fake App Platform
// API: ten commits pushed in quick succession followed by one process to their four kinds of outcome,
// twenty concurrent `check --wait`s starting one watcher, and `manage stop <sha>` leaving the others alone.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import type { FakeDeployment } from '../../support/fakes/doApi.js';
import { watcherPaths } from '../../src/store/files/stateDir.js';
import { cliWorld, strayProcesses } from '../../support/worlds/cliWorld.js';

after(() => assert.deepEqual(strayProcesses(), [], 'no deploy-watch process may outlive the tests'));

/** How many watchers logged their start in the tool log (a second one that lost the claim never logs). */
function watcherStarts(stateDir: string): number {
  const file = join(stateDir, 'deploy-watch.log');
  if (!existsSync(file)) return 0;
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.includes('"msg":"watcher started"')).length;
}

/**
 * `count` commits pushed to origin/main, each deploying: BUILDING until goLive(), then ACTIVE. Held by the test,
 * not for a fixed time: on a busy machine the CLIs that hand them over can take longer than any build would.
 */
async function buildingWorld(count: number) {
  const shas: string[] = [];
  const deployments: FakeDeployment[] = [];
  const w = await cliWorld(
    (repo) => {
      for (let i = 0; i < count; i++) shas.push(repo.commit(`c${i}`));
      repo.git('push', '-q', '--no-verify', 'origin', 'main');
      deployments.push(...shas.map((sha, i): FakeDeployment => ({ id: `d${i}`, sha, phases: [[0, 'BUILDING']] })));
      return { deployments };
    },
    { config: { polling: { fastInterval: 0.1, fastFor: 0, slowInterval: 0.1, timeout: 60, linger: 0 } } },
  );
  const goLive = () => {
    for (const d of deployments) d.phases.push([0, 'ACTIVE']);
  };
  const allBuilding = () => shas.every((sha) => w.record(sha)?.state === 'building');
  return { w, shas, goLive, allBuilding };
}

describe('one watcher per repository (built CLI, fake DigitalOcean)', () => {
  it('ten commits pushed in quick succession: one process follows them all to success, failure with logs, superseded by a descendant, and timeout', async () => {
    const shas: string[] = [];
    const w = await cliWorld(
      (repo) => {
        for (let i = 0; i < 10; i++) shas.push(repo.commit(`change ${i}`));
        repo.git('push', '-q', '--no-verify', 'origin', 'main');
        const ok = (i: number): FakeDeployment => ({
          id: `d${i}`,
          sha: shas[i]!,
          phases: [
            [300 + i * 100, 'BUILDING'],
            [9_000 + i * 100, 'ACTIVE'],
          ],
        });
        return {
          deployments: [
            ...[0, 1, 2, 3, 4, 5].map(ok),
            {
              id: 'd6',
              sha: shas[6]!,
              phases: [
                [900, 'BUILDING'],
                [8_000, 'ERROR'],
              ],
              logs: { BUILD: 'npm ERR! test failed\n' },
            },
            // d7 is superseded by d8, whose commit contains it (a descendant): d7's commit deployed with d8.
            {
              id: 'd7',
              sha: shas[7]!,
              phases: [
                [1_000, 'BUILDING'],
                [7_000, 'SUPERSEDED'],
              ],
            },
            ok(8),
            // Commit 9 never gets a deployment: timeout.
          ],
        };
      },
      { config: { polling: { fastInterval: 0.1, fastFor: 0, slowInterval: 0.1, timeout: 14, linger: 0 } } },
    );
    try {
      // Ten agents hand their pushes over at once.
      const handed = await Promise.all(shas.map((sha) => w.dw('monitor', sha, '--detach')));
      assert.deepEqual(
        handed.map((r) => r.code),
        Array(10).fill(0),
        handed.map((r) => r.stderr).join(''),
      );
      const followers = new Set<number>();
      await w.waitFor(
        'every commit to end',
        () => {
          for (const sha of shas) {
            const pid = w.record(sha)?.pid;
            if (pid) followers.add(pid);
          }
          return shas.every((sha) => w.record(sha)?.finishedAt);
        },
        30_000,
      );
      assert.equal(followers.size, 1, `one process followed them all: ${[...followers].join(', ')}`);
      assert.equal(watcherStarts(w.store.stateDir), 1, 'one watcher started');
      const states = shas.map((sha) => w.record(sha)!.state);
      assert.deepEqual(states, [...Array(6).fill('success'), 'failed', 'success', 'success', 'timeout']);
      assert.match(w.record(shas[7]!)!.message ?? '', /superseded by d8/);
      await w.waitFor('the failed build log', () => w.record(shas[6]!)?.logs?.state === 'fetched');
      const check = await w.dw('check', shas[6]!);
      assert.equal(check.code, 1);
      assert.match(check.stdout, /npm ERR! test failed/);
      assert.equal((await w.dw('check', shas[9]!)).code, 1);
      await w.waitFor('the idle watcher to leave', () => w.watcherPid() === null);
    } finally {
      await w.close();
    }
  });

  it('twenty concurrent check --wait for twenty pushed commits start one watcher', async () => {
    const { w, shas, goLive, allBuilding } = await buildingWorld(20);
    try {
      const waits = Promise.all(shas.map((sha) => w.dw('check', sha, '--wait', '60')));
      // They go live once every commit is followed: a watcher that ran out of work before the slowest check
      // handed its commit over would leave, and a second would start for that one.
      await w.waitFor('all twenty followed', allBuilding, 60_000);
      goLive();
      const results = await waits;
      assert.deepEqual(
        results.map((r) => r.code),
        Array(20).fill(0),
        results.map((r) => r.stdout + r.stderr).join('\n'),
      );
      assert.equal(watcherStarts(w.store.stateDir), 1, 'one watcher, however many asked at once');
    } finally {
      await w.close();
    }
  });

  it('manage stop <sha> stops following that commit within a second and leaves the others followed', async (t) => {
    const { w, shas, goLive, allBuilding } = await buildingWorld(3);
    try {
      for (const sha of shas) assert.equal((await w.dw('monitor', sha, '--detach')).code, 0);
      await w.waitFor('all three followed', allBuilding, 30_000);
      const watcher = w.watcherPid();
      // Timed from the stop request's file, not from the CLI's start (which alone can take seconds on a busy
      // machine); one taken before a 10 ms look could see it took no time worth measuring.
      const request = join(watcherPaths(w.store.stateDir).stop, shas[1]!);
      let requestedAt = 0;
      const spot = setInterval(() => {
        if (!requestedAt && existsSync(request)) requestedAt = Date.now();
      }, 10);
      const r = await w.dw('manage', 'stop', shas[1]!.slice(0, 8)).finally(() => clearInterval(spot));
      assert.equal(r.code, 0, r.stderr);
      const stoppedAt = Date.parse(w.record(shas[1]!)!.finishedAt!);
      const lag = stoppedAt - (requestedAt || stoppedAt);
      t.diagnostic(`request ${requestedAt ? 'seen' : 'taken before a look'}; recorded stopped ${lag} ms after it`);
      assert.ok(lag < 1_000, `recorded stopped ${lag} ms after the request`);
      assert.match(r.stdout, new RegExp(`Stopped following ${shas[1]!.slice(0, 7)}; the watcher \\(PID ${watcher}\\)`));
      assert.equal(w.record(shas[1]!)!.state, 'stopped');
      assert.match(w.record(shas[1]!)!.message ?? '', /^stopped by deploy-watch manage stop( by .+)?$/);
      const status = JSON.parse((await w.dw('--json', 'manage', 'status')).stdout) as {
        watcher: { pid: number };
        commits: Array<{ sha: string; stale: boolean }>;
      };
      assert.equal(status.watcher.pid, watcher);
      assert.deepEqual(status.commits.map((c) => c.sha).sort(), [shas[0], shas[2]].sort());
      assert.ok(status.commits.every((c) => !c.stale));
      goLive();
      await w.waitFor('the others to deploy', () => [0, 2].every((i) => w.record(shas[i]!)?.state === 'success'));
      assert.equal(w.record(shas[1]!)!.state, 'stopped', 'a stopped commit stays stopped');
    } finally {
      await w.close();
    }
  });
});
