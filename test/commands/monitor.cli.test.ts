// `deploy-watch monitor` through the built CLI against the fake App Platform API, then `check` on its record.
import assert from 'node:assert/strict';
import { statSync } from 'node:fs';
import { after, describe, it } from 'node:test';
import { cliWorld, strayProcesses } from '../../support/worlds/cliWorld.js';

const head = (repo: { git(...a: string[]): string }) => repo.git('rev-parse', 'HEAD');

after(() => assert.deepEqual(strayProcesses(), [], 'no deploy-watch process may outlive the tests'));

describe('deploy-watch monitor (built CLI, fake DigitalOcean)', () => {
  it('success: exit 0, record success, check exits 0', async () => {
    let sha = '';
    const w = await cliWorld((repo) => ({
      deployments: [
        {
          id: 'd1',
          sha: (sha = head(repo)),
          phases: [
            [0, 'PENDING_BUILD'],
            [200, 'BUILDING'],
            [400, 'DEPLOYING'],
            [600, 'ACTIVE'],
          ],
          // However late the watcher's Node starts on a busy machine, it is shown every phase.
          holdEachPhase: true,
        },
      ],
    }));
    try {
      const r = await w.dw('monitor', sha);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /success/);
      const rec = w.record(sha)!;
      assert.equal(rec.state, 'success');
      assert.equal(rec.source, 'digitalocean');
      assert.equal(rec.deploymentId, 'd1');
      // Followed through every phase, one poll each, not decided at a single late look.
      assert.deepEqual(w.phasesPolled(sha), ['PENDING_BUILD', 'BUILDING', 'DEPLOYING', 'ACTIVE']);
      assert.ok(rec.polls >= 4);
      assert.equal(statSync(w.store.paths(sha).record).mode & 0o777, 0o644);
      assert.equal(rec.pid, null, 'no follower after the last record');
      await w.waitFor('the watcher to leave once idle', () => w.watcherPid() === null);
      assert.equal((await w.dw('check', sha)).code, 0);
    } finally {
      await w.close();
    }
  });

  it('build failure: log file 0600, check shows its last lines and exits 1', async () => {
    let sha = '';
    const w = await cliWorld((repo) => ({
      deployments: [
        {
          id: 'd2',
          sha: (sha = head(repo)),
          phases: [
            [0, 'BUILDING'],
            [300, 'ERROR'],
          ],
          logs: { BUILD: 'step 1\nnpm ERR! Missing script: "build"\n' },
        },
      ],
    }));
    try {
      const r = await w.dw('monitor', sha);
      assert.equal(r.code, 1, r.stderr);
      const rec = w.record(sha)!;
      assert.equal(rec.state, 'failed');
      assert.equal(statSync(rec.logFile!).mode & 0o777, 0o600);
      const check = await w.dw('check', sha);
      assert.equal(check.code, 1);
      assert.match(check.stdout + check.stderr, /npm ERR! Missing script/);
      assert.ok(w.api.requests.filter((q) => q.path.startsWith('/historic/')).every((q) => !q.authorized));
    } finally {
      await w.close();
    }
  });

  it('cancel: canceled, check exits 1', async () => {
    let sha = '';
    const w = await cliWorld((repo) => ({
      deployments: [
        {
          id: 'd3',
          sha: (sha = head(repo)),
          phases: [
            [0, 'PENDING_BUILD'],
            [200, 'CANCELED'],
          ],
        },
      ],
    }));
    try {
      assert.equal((await w.dw('monitor', sha)).code, 1);
      assert.equal(w.record(sha)!.state, 'canceled');
      assert.equal((await w.dw('check', sha)).code, 1);
    } finally {
      await w.close();
    }
  });

  it('superseded by a descendant that deploys: success, saying so', async () => {
    let a = '';
    const w = await cliWorld((repo) => {
      a = head(repo);
      const b = repo.commit('next');
      return {
        deployments: [
          {
            id: 'da',
            sha: a,
            phases: [
              [0, 'BUILDING'],
              [300, 'SUPERSEDED'],
            ],
          },
          {
            id: 'db',
            sha: b,
            phases: [
              [250, 'BUILDING'],
              [600, 'ACTIVE'],
            ],
          },
        ],
      };
    });
    try {
      assert.equal((await w.dw('monitor', a)).code, 0);
      const rec = w.record(a)!;
      assert.equal(rec.state, 'success');
      assert.match(rec.message!, /superseded by db which contains this commit/);
      assert.equal((await w.dw('check', a)).code, 0);
    } finally {
      await w.close();
    }
  });

  it('never appears: timeout at the deadline, check exits 1', async () => {
    let sha = '';
    const w = await cliWorld(
      (repo) => {
        sha = head(repo);
        return { deployments: [{ id: 'old', sha: 'e'.repeat(40), phases: [[0, 'ACTIVE']] }] };
      },
      {
        config: { polling: { fastInterval: 0.05, fastFor: 0, slowInterval: 0.05, timeout: 0.6 } },
      },
    );
    try {
      assert.equal((await w.dw('monitor', sha)).code, 1);
      assert.equal(w.record(sha)!.state, 'timeout');
      assert.equal((await w.dw('check', sha)).code, 1);
    } finally {
      await w.close();
    }
  });

  it('with no source configured exits 78 naming what to set', async () => {
    const w = await cliWorld(() => ({ deployments: [] }), {
      config: { digitalocean: undefined },
      env: { DIGITALOCEAN_ACCESS_TOKEN: '' },
    });
    try {
      const r = await w.dw('monitor');
      assert.equal(r.code, 78);
      assert.match(r.stderr, /DIGITALOCEAN_ACCESS_TOKEN.*digitalocean\.appId.*DATABASE_URL.*health\.url/s);
      assert.equal(w.api.requests.length, 0);
    } finally {
      await w.close();
    }
  });
});
