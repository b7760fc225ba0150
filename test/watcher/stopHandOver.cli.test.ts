// `manage stop --all` while commits are being handed over (issue 20 item 2): ten `monitor <sha> --detach`
// at once, the stop fired once their hand-overs are in the watcher's inbox. Every commit must end with a
// `stopped` record naming who stopped it, every caller must say so and exit 3 (never 70 "could not start"),
// and `check` must say stopped, not "no monitor has watched". Built CLI, real processes, fake DigitalOcean.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { tryLock } from '../../src/kernel/fs/lock.js';
import { watcherPaths } from '../../src/store/files/stateDir.js';
import type { FakeDeployment } from '../../support/fakes/doApi.js';
import { cliAsync } from '../../support/helpers/cli.js';
import { cliWorld, strayProcesses, type CliWorld } from '../../support/worlds/cliWorld.js';

after(() => assert.deepEqual(strayProcesses(), [], 'no deploy-watch process may outlive the tests'));

const STOPPER = { DEPLOY_WATCH_PUSHER: 'tester', DEPLOY_WATCH_HOST: 'box-1' };
const STOPPED_BY = 'manage stop --all by tester@box-1';

/** Ten commits on origin/main, each BUILDING for far longer than the test runs. */
async function tenBuilding(): Promise<{ w: CliWorld; shas: string[] }> {
  const shas: string[] = [];
  const w = await cliWorld(
    (repo) => {
      for (let i = 0; i < 10; i++) shas.push(repo.commit(`c${i}`));
      repo.git('push', '-q', '--no-verify', 'origin', 'main');
      return {
        deployments: shas.map((sha, i) => ({
          id: `d${i}`,
          sha,
          phases: [[0, 'BUILDING']] as FakeDeployment['phases'],
        })),
      };
    },
    { config: { polling: { timeout: 60 } } },
  );
  return { w, shas };
}

const inInbox = (w: CliWorld, sha: string) => existsSync(join(watcherPaths(w.store.stateDir).follow, `${sha}.json`));

function stopAll(w: CliWorld, json: boolean) {
  return cliAsync([...(json ? ['--json'] : []), 'manage', 'stop', '--all'], {
    cwd: w.repo.dir,
    env: { ...w.env, ...STOPPER },
    timeoutMs: 30_000,
  });
}

/**
 * Runs `during` while the watcher being started cannot claim the state folder (as while a retiring one lets
 * go of its lock), so every hand-over stays in flight, in its inbox; then lets it claim the folder and waits
 * for it to leave, and checks that it followed none of `shas` (all stopped).
 */
async function watcherHeldBack(w: CliWorld, shas: string[], during: () => Promise<void>): Promise<void> {
  w.store.ensure();
  const paths = watcherPaths(w.store.stateDir);
  const held = await tryLock(paths.lock, paths.lock);
  assert.ok(held.acquired);
  try {
    await during();
  } finally {
    await held.release();
  }
  await w.waitFor('the late watcher to leave', () => strayProcesses().length === 0, 20_000);
  for (const sha of shas) assert.equal(w.record(sha)?.state, 'stopped', 'the late watcher followed none of them');
}

function stopOne(w: CliWorld, sha: string) {
  return cliAsync(['manage', 'stop', sha.slice(0, 8)], {
    cwd: w.repo.dir,
    env: { ...w.env, ...STOPPER },
    timeoutMs: 30_000,
  });
}

/** Every commit `stopped` by this stop, and `check` says so (exit 3), not "no monitor has watched". */
async function assertAllStopped(w: CliWorld, shas: string[]): Promise<void> {
  for (const sha of shas) {
    const record = w.record(sha);
    assert.equal(record?.state, 'stopped', `${sha.slice(0, 7)} recorded stopped: ${JSON.stringify(record)}`);
    assert.equal(record?.stoppedBy, STOPPED_BY);
    // Said in the message from the first write, also by a watcher ending on the stop's signal: a caller that
    // reads the record before `stoppedBy` is added must learn who, not "monitor stopped by SIGTERM".
    assert.equal(record?.message, `stopped by deploy-watch ${STOPPED_BY}`);
    assert.equal(record?.startFailed ?? null, null, 'a stop, not a start failure');
  }
  const check = await w.dw('check', shas[0]!);
  assert.equal(check.code, 3, check.stdout + check.stderr);
  assert.match(check.stdout, /was stopped by deploy-watch manage stop --all by tester@box-1/);
  assert.doesNotMatch(check.stdout, /no watcher has followed|no monitor has watched/);
}

describe('manage stop --all during hand-over (built CLI, real processes)', () => {
  it('with the watcher still starting: every commit recorded stopped naming who, every caller (monitor --detach, check --wait) exits 3 saying so, check says stopped (3 rounds)', async () => {
    for (let round = 0; round < 3; round++) {
      const { w, shas } = await tenBuilding();
      try {
        await watcherHeldBack(w, shas, async () => {
          // Nine agents hand their commit over with monitor --detach, the tenth with check --wait.
          const callers = shas.map((sha, i) =>
            i === 9 ? w.dw('check', sha, '--wait', '30') : w.dw('monitor', sha, '--detach'),
          );
          await w.waitFor('all ten hand-overs in the inbox', () => shas.every((sha) => inInbox(w, sha)), 20_000);
          const json = round < 2;
          const stop = await stopAll(w, json);
          assert.equal(stop.code, 0, stop.stderr);
          const results = await Promise.all(callers);
          for (const [i, r] of results.entries()) {
            assert.equal(r.code, 3, `caller ${i}: ${r.stdout}${r.stderr}`);
            assert.match(
              r.stdout,
              i === 9
                ? /was stopped by deploy-watch manage stop --all by tester@box-1 before/
                : /: stopped \(stopped by deploy-watch manage stop --all by tester@box-1\)/,
            );
          }
          if (json) {
            const result = JSON.parse(stop.stdout) as { status: string; stopped: string[]; waiting: string[] };
            assert.equal(result.status, 'not-running');
            assert.deepEqual([...result.stopped].sort(), [...shas].sort());
            assert.deepEqual([...result.waiting].sort(), [...shas].sort());
          } else {
            assert.equal(
              stop.stdout.trim(),
              'No watcher was running; 10 commits recorded stopped (10 were waiting to be handed over).',
            );
          }
          await assertAllStopped(w, shas);
        });
      } finally {
        await w.close();
      }
    }
  });

  it('whatever the moment the watcher starts: every commit ends stopped naming who, no caller exits 70 (3 rounds)', async () => {
    for (let round = 0; round < 3; round++) {
      const { w, shas } = await tenBuilding();
      try {
        const callers = shas.map((sha) => w.dw('monitor', sha, '--detach'));
        // Each hand-over is in flight: in the inbox, or already taken by the watcher starting meanwhile.
        await w.waitFor(
          'all ten hand-overs in flight',
          () => shas.every((sha) => inInbox(w, sha) || w.record(sha) !== null),
          20_000,
        );
        const stop = await stopAll(w, true);
        assert.equal(stop.code, 0, stop.stderr);
        const result = JSON.parse(stop.stdout) as { stopped: string[] };
        assert.deepEqual([...result.stopped].sort(), [...shas].sort(), 'the JSON lists every commit stopped');
        const results = await Promise.all(callers);
        for (const [i, r] of results.entries()) {
          // Handed to a watcher before the stop (0), or stopped while being handed over (3): never 70.
          assert.ok(r.code === 0 || r.code === 3, `caller ${i}: ${r.code} ${r.stdout}${r.stderr}`);
          if (r.code === 3) assert.match(r.stdout, /stopped by deploy-watch manage stop --all by tester@box-1/);
        }
        await assertAllStopped(w, shas);
        await w.waitFor('every watcher to leave', () => strayProcesses().length === 0, 20_000);
        assert.ok(
          shas.every((sha) => w.record(sha)?.state === 'stopped'),
          'nothing followed them after the stop',
        );
      } finally {
        await w.close();
      }
    }
  });

  it('manage stop <sha> while the commit is being handed over: recorded stopped naming who, its caller exits 3 saying so', async () => {
    const { w, shas } = await tenBuilding();
    const sha = shas[0]!;
    try {
      await watcherHeldBack(w, [sha], async () => {
        const caller = w.dw('monitor', sha, '--detach');
        await w.waitFor('the hand-over in the inbox', () => inInbox(w, sha), 20_000);
        const stop = await stopOne(w, sha);
        assert.equal(stop.code, 0, stop.stderr);
        assert.match(stop.stdout, new RegExp(`Stopped ${sha.slice(0, 7)} before the watcher took it`));
        const r = await caller;
        assert.equal(r.code, 3, r.stdout + r.stderr);
        assert.match(r.stdout, /: stopped \(stopped by deploy-watch manage stop by tester@box-1\)/);
        assert.equal(w.record(sha)?.state, 'stopped');
        assert.equal(w.record(sha)?.stoppedBy, 'manage stop by tester@box-1');
      });
    } finally {
      await w.close();
    }
  });
});
