// The watcher as a process: `monitor` hands commits to it; a signal to a foreground monitor stops following
// that commit; SIGKILL of the watcher leaves records that manage status and check call stale until the next
// hand-over resumes them; --detach returns at once; a bad token hands over to health.
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { existsSync, mkdirSync } from 'node:fs';
import { after, describe, it } from 'node:test';
import { isAlive } from '../../support/helpers/state.js';
import { cliWorld, strayProcesses, type CliWorld } from '../../support/worlds/cliWorld.js';

const SLOW = { fastInterval: 0.05, fastFor: 0, slowInterval: 0.05, timeout: 60 };

/** A deployment that builds for a minute: the monitor stays busy while the test acts on it. */
async function busyWorld(): Promise<{ w: CliWorld; sha: string }> {
  let sha = '';
  const w = await cliWorld(
    (repo) => ({
      deployments: [{ id: 'long', sha: (sha = repo.git('rev-parse', 'HEAD')), phases: [[0, 'BUILDING']] }],
    }),
    { config: { polling: SLOW } },
  );
  return { w, sha };
}

function exited(child: {
  exitCode: number | null;
  signalCode: string | null;
  once(e: 'exit', f: () => void): void;
}): Promise<void> {
  return child.exitCode !== null || child.signalCode !== null
    ? Promise.resolve()
    : new Promise((r) => child.once('exit', r));
}

after(() => assert.deepEqual(strayProcesses(), [], 'no deploy-watch process may outlive the tests'));

describe('monitor lifecycle (real processes and signals)', () => {
  for (const signal of ['SIGTERM', 'SIGINT'] as const)
    it(`${signal} to a foreground monitor stops following the commit (recorded stopped); check exits 3`, async () => {
      const { w, sha } = await busyWorld();
      try {
        const child = w.spawn('monitor', sha);
        await w.waitFor('a building record', () => w.record(sha)?.state === 'building');
        const watcher = w.watcherPid();
        assert.ok(watcher && watcher !== child.pid, 'the watcher, not the foreground command, follows it');
        assert.equal(w.record(sha)?.pid, watcher);
        child.kill(signal);
        await exited(child);
        assert.equal(child.exitCode, 3);
        const rec = w.record(sha)!;
        assert.equal(rec.state, 'stopped');
        assert.equal(rec.message, `monitor stopped by ${signal}`);
        assert.equal(rec.pid, null);
        assert.equal((await w.dw('check', sha)).code, 3);
        await w.waitFor('the idle watcher to leave, its PID file and lock with it', () => w.watcherPid() === null);
        assert.equal(existsSync(`${w.store.stateDir}/watcher.lock`), false);
      } finally {
        await w.close();
      }
    });

  it('SIGKILL of the watcher makes its commit stale in manage status and check; check --wait resumes it', async () => {
    const { w, sha } = await busyWorld();
    try {
      const r = await w.dw('monitor', sha, '--detach');
      assert.equal(r.code, 0, r.stderr);
      await w.waitFor('a building record', () => w.record(sha)?.state === 'building');
      const first = w.watcherPid()!;
      process.kill(first, 'SIGKILL');
      await w.waitFor('the watcher to die', () => !isAlive(first));
      const status = await w.dw('manage', 'status');
      assert.match(status.stdout, new RegExp(`${sha.slice(0, 7)}.*stale`));
      const check = await w.dw('check', sha);
      assert.equal(check.code, 3);
      assert.match(check.stdout + check.stderr, /gone without recording an outcome/);
      const startedAt = w.record(sha)!.startedAt;
      // Pushed to origin/main, so check --wait hands it over again: a new watcher resumes it.
      w.repo.git('push', '-q', '--no-verify', 'origin', 'HEAD:main');
      const again = await w.dw('check', sha, '--wait', '1');
      assert.equal(again.code, 2, again.stdout + again.stderr);
      const second = w.watcherPid()!;
      assert.notEqual(second, first);
      assert.equal(w.record(sha)!.pid, second);
      assert.equal(w.record(sha)!.startedAt, startedAt, 'resumed, not started over');
    } finally {
      await w.close();
    }
  });

  it('a second hand-over of a followed commit names the watcher and starts nothing', async () => {
    const { w, sha } = await busyWorld();
    try {
      const first = await w.dw('monitor', sha, '--detach');
      assert.equal(first.code, 0, first.stderr);
      await w.waitFor('the watcher to follow it', () => w.record(sha)?.state === 'building');
      const watcher = w.watcherPid();
      const second = await w.dw('monitor', sha, '--detach');
      assert.equal(second.code, 0);
      assert.match(second.stdout, new RegExp(`already watched by PID ${watcher}`));
      const json = await w.dw('--json', 'monitor', sha, '--detach');
      assert.deepEqual(JSON.parse(json.stdout), { sha, alreadyWatched: true, pid: watcher });
      assert.equal(w.watcherPid(), watcher);
    } finally {
      await w.close();
    }
  });

  it('--detach returns at once with the PID of a monitor that runs on its own and ends', async () => {
    let sha = '';
    const w = await cliWorld((repo) => ({
      deployments: [
        {
          id: 'd',
          sha: (sha = repo.git('rev-parse', 'HEAD')),
          phases: [
            [0, 'BUILDING'],
            [800, 'ACTIVE'],
          ],
        },
      ],
    }));
    let pid = 0;
    try {
      const started = Date.now();
      const r = await w.dw('monitor', sha, '--detach', '--branch', 'main', '--remote', 'origin');
      assert.equal(r.code, 0, r.stderr);
      assert.ok(Date.now() - started < 5_000);
      pid = Number(/PID (\d+)/.exec(r.stdout)?.[1]);
      assert.ok(pid > 0, r.stdout);
      await w.waitFor('the detached monitor to record success', () => w.record(sha)?.state === 'success');
      await w.waitFor('the detached monitor to exit', () => !isAlive(pid));
      assert.equal(w.record(sha)!.branch, 'main');
    } finally {
      if (pid && isAlive(pid)) process.kill(pid, 'SIGKILL');
      await w.close();
    }
  });

  it('a rejected token drops to the next source: health decides when it reports this commit', async () => {
    let sha = '';
    let reported = '';
    const health = createServer((_req, res) =>
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ version: { commit: reported } })),
    );
    await new Promise<void>((r) => health.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(health.address() as AddressInfo).port}/health`;
    const w = await cliWorld(
      (repo) => ({ deployments: [{ id: 'd', sha: (sha = repo.git('rev-parse', 'HEAD')), phases: [[0, 'ACTIVE']] }] }),
      {
        token: 'dop_v1_revoked',
        config: {
          health: { url, commit: '$.version.commit' },
          polling: { fastInterval: 0.05, fastFor: 0, slowInterval: 0.05, timeout: 1 },
        },
      },
    );
    try {
      reported = 'f'.repeat(40); // the old version still serves: no success for this commit
      const before = await w.dw('monitor', sha);
      assert.equal(w.record(sha)!.state, 'timeout', before.stdout + before.stderr);
      assert.equal(w.api.apiRequests().length, 1); // a 401 is not retried
      reported = sha;
      const r = await w.dw('monitor', sha);
      assert.equal(r.code, 0, r.stderr);
      const rec = w.record(sha)!;
      assert.equal(rec.state, 'success');
      assert.equal(rec.source, 'health');
    } finally {
      await w.close();
      health.closeAllConnections();
      await new Promise((r) => health.close(r));
    }
  });

  it('a log that cannot be written leaves the outcome on record and says why the logs are missing', async () => {
    let sha = '';
    const w = await cliWorld((repo) => ({
      deployments: [
        {
          id: 'd',
          sha: (sha = repo.git('rev-parse', 'HEAD')),
          phases: [
            [0, 'BUILDING'],
            [200, 'ERROR'],
          ],
          logs: { BUILD: 'boom\n' },
        },
      ],
    }));
    try {
      mkdirSync(w.store.paths(sha).log, { recursive: true }); // the log cannot be written: a folder is in the way
      const r = await w.dw('monitor', sha);
      assert.equal(r.code, 1, r.stderr);
      const rec = w.record(sha)!;
      assert.equal(rec.state, 'failed');
      assert.equal(rec.logs?.state, 'missing');
      assert.match(rec.logs?.reason ?? '', /^monitor failed: .*cannot be used/);
      const check = await w.dw('check', sha);
      assert.equal(check.code, 1);
      assert.match(check.stdout, /The logs are missing: .* deploy-watch logs /);
    } finally {
      await w.close();
    }
  });
});
