// The monitor as a process: one per commit, SIGTERM records stopped, SIGKILL leaves a record that
// manage status and check call stale, --detach returns at once, a bad token hands over to health.
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { existsSync, mkdirSync } from 'node:fs';
import { after, describe, it } from 'node:test';
import { readPidFile } from '../../src/core/pidFile.js';
import { isAlive } from '../helpers/state.js';
import { cliWorld, strayProcesses, type CliWorld } from './cliWorld.js';

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
    it(`${signal} records stopped and removes PID file and lock; check exits 3`, async () => {
      const { w, sha } = await busyWorld();
      try {
        const child = w.spawn('monitor', sha);
        await w.waitFor('a building record', () => w.record(sha)?.state === 'building');
        assert.equal(readPidFile(w.store.paths(sha).pid)?.pid, child.pid);
        child.kill(signal);
        await exited(child);
        const rec = w.record(sha)!;
        assert.equal(rec.state, 'stopped');
        assert.equal(rec.message, `monitor stopped by ${signal}`);
        assert.equal(existsSync(w.store.paths(sha).pid), false);
        assert.equal(existsSync(w.store.paths(sha).lock), false);
        assert.equal((await w.dw('check', sha)).code, 3);
      } finally {
        await w.close();
      }
    });

  it('SIGKILL leaves an in-progress record that manage status and check call stale (exit 3)', async () => {
    const { w, sha } = await busyWorld();
    try {
      const child = w.spawn('monitor', sha);
      await w.waitFor('a building record', () => w.record(sha)?.state === 'building');
      child.kill('SIGKILL');
      await exited(child);
      const status = await w.dw('manage', 'status');
      assert.match(status.stdout, new RegExp(`${sha.slice(0, 7)}.*stale`));
      const check = await w.dw('check', sha);
      assert.equal(check.code, 3);
      assert.match(check.stdout + check.stderr, /gone without recording an outcome/);
    } finally {
      await w.close();
    }
  });

  it('a second monitor for the same commit exits 0 at once naming the first PID', async () => {
    const { w, sha } = await busyWorld();
    try {
      const first = w.spawn('monitor', sha);
      await w.waitFor('the first monitor', () => w.record(sha)?.state === 'building');
      const second = await w.dw('monitor', sha);
      assert.equal(second.code, 0);
      assert.match(second.stdout, new RegExp(`already watched by PID ${first.pid}`));
      const json = await w.dw('--json', 'monitor', sha);
      assert.deepEqual(JSON.parse(json.stdout), { sha, alreadyWatched: true, pid: first.pid });
      first.kill('SIGTERM');
      await exited(first);
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
      assert.equal(existsSync(w.store.paths(sha).pid), false);
      const check = await w.dw('check', sha);
      assert.equal(check.code, 1);
      assert.match(check.stdout, /The logs are missing: .* deploy-watch logs /);
    } finally {
      await w.close();
    }
  });
});
