// The monitor loop end to end on a driven clock against the fake App Platform API: every outcome,
// the records it writes on the way, logs without the token, superseded following, paging, timeout.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { createDigitalOceanSource } from '../../src/sources/digitalocean/source.js';
import { T0, mode, world } from '../../support/worlds/followWorld.js';

const BUILD_LOG = 'Cloning repository\nnpm ci\nnpm ERR! missing script: build\nbuild failed with exit code 1\n';

describe('monitor loop (driven clock, fake DigitalOcean)', () => {
  it('follows a six-minute deployment to success, recording every poll, and sees the end ≤ 15 s late', async () => {
    let sha = '';
    const v = await world((repo) => {
      sha = repo.git('rev-parse', 'HEAD');
      return {
        deployments: [
          {
            id: 'dep-ok',
            sha,
            phases: [
              [20_000, 'PENDING_BUILD'],
              [30_000, 'BUILDING'],
              [200_000, 'PENDING_DEPLOY'],
              [220_000, 'DEPLOYING'],
              [360_000, 'ACTIVE'],
            ],
          },
        ],
      };
    });
    try {
      const record = await v.run(sha);
      assert.equal(record.state, 'success');
      assert.equal(record.source, 'digitalocean');
      assert.equal(record.deploymentId, 'dep-ok');
      assert.equal(record.phase, 'ACTIVE');
      assert.equal(record.pid, null);
      const late = Date.parse(record.finishedAt!) - (T0 + 360_000);
      assert.ok(late >= 0 && late <= 15_000, `end seen ${late} ms late`);
      const states = [...new Set(v.writes.map((r) => r.state))];
      assert.deepEqual(states, ['pending', 'building', 'deploying', 'success']);
      assert.deepEqual(
        v.writes.map((r) => r.polls),
        v.writes.map((_, i) => i),
      ); // one write per poll, after the first record
      assert.equal(record.polls, v.api.apiRequests().length);
      assert.ok(v.api.apiRequests().every((r) => r.authorized));
    } finally {
      await v.close();
    }
  });

  it('a build failure records the failing step and fetches BUILD logs through historic URLs without the token', async () => {
    let sha = '';
    const v = await world((repo) => {
      sha = repo.git('rev-parse', 'HEAD');
      return {
        deployments: [
          {
            id: 'dep-bad',
            sha,
            phases: [
              [0, 'PENDING_BUILD'],
              [10_000, 'BUILDING'],
              [95_000, 'ERROR'],
            ],
            logs: { BUILD: BUILD_LOG },
          },
        ],
      };
    });
    try {
      const record = await v.run(sha);
      assert.equal(record.state, 'failed');
      assert.equal(record.phase, 'ERROR');
      assert.match(record.message!, /build › components › api \(Building service api\): Your build job failed/);
      const log = readFileSync(record.logFile!, 'utf8');
      assert.ok(log.includes(BUILD_LOG), 'both historic parts, in order');
      assert.match(log, /=== BUILD logs of deployment dep-bad ===/);
      assert.doesNotMatch(log, /DEPLOY logs/); // 400: the deploy stage never ran
      assert.equal(mode(record.logFile!), 0o600);
      const historic = v.api.requests.filter((r) => r.path.startsWith('/historic/'));
      assert.equal(historic.length, 2);
      assert.ok(historic.every((r) => !r.authorized && r.status === 200));
      assert.ok(v.api.requests.some((r) => r.query.includes('type=DEPLOY') && r.status === 400));
    } finally {
      await v.close();
    }
  });

  it('a canceled deployment is canceled, with its logs', async () => {
    let sha = '';
    const v = await world((repo) => {
      sha = repo.git('rev-parse', 'HEAD');
      return {
        deployments: [
          {
            id: 'dep-c',
            sha,
            phases: [
              [0, 'BUILDING'],
              [40_000, 'CANCELED'],
            ],
            logs: { BUILD: 'partial build\n' },
            component: 'workers',
            cause: false,
          },
        ],
      };
    });
    try {
      const record = await v.run(sha);
      assert.equal(record.state, 'canceled');
      assert.equal(record.message, 'deployment was canceled');
      assert.match(readFileSync(record.logFile!, 'utf8'), /partial build/);
    } finally {
      await v.close();
    }
  });

  it('SUPERSEDED by a deployment of a descendant: follows it and reports its outcome, saying so', async () => {
    let a = '';
    let b = '';
    const v = await world((repo) => {
      a = repo.commit('feature a');
      b = repo.commit('feature b');
      return {
        deployments: [
          {
            id: 'dep-a',
            sha: a,
            phases: [
              [0, 'PENDING_BUILD'],
              [5_000, 'BUILDING'],
              [45_000, 'SUPERSEDED'],
            ],
          },
          {
            id: 'dep-b',
            sha: b,
            phases: [
              [40_000, 'PENDING_BUILD'],
              [50_000, 'BUILDING'],
              [150_000, 'ACTIVE'],
            ],
          },
        ],
      };
    });
    try {
      const record = await v.run(a);
      assert.equal(record.state, 'success');
      assert.equal(record.deploymentId, 'dep-b');
      assert.match(record.message!, /superseded by dep-b which contains this commit \(own deployment dep-a\)/);
    } finally {
      await v.close();
    }
  });

  it('SUPERSEDED by a deployment that lacks the commit is superseded (check exit 1)', async () => {
    let a = '';
    const v = await world((repo) => {
      const base = repo.git('rev-parse', 'HEAD');
      a = repo.commit('feature a');
      repo.git('checkout', '-q', '-b', 'other', base);
      const c = repo.commit('unrelated c');
      return {
        deployments: [
          {
            id: 'dep-a',
            sha: a,
            phases: [
              [0, 'BUILDING'],
              [30_000, 'SUPERSEDED'],
            ],
          },
          { id: 'dep-c', sha: c, phases: [[25_000, 'BUILDING']] },
        ],
      };
    });
    try {
      const record = await v.run(a);
      assert.equal(record.state, 'superseded');
      assert.match(record.message!, /superseded by dep-c \(commit [0-9a-f]{12}\), which does not contain this commit/);
    } finally {
      await v.close();
    }
  });

  it('a deployment that never appears ends in timeout at the deadline, pending until then', async () => {
    const v = await world({ deployments: [{ id: 'other', sha: 'f'.repeat(40), phases: [[0, 'ACTIVE']] }] });
    try {
      const sha = v.repo.git('rev-parse', 'HEAD');
      const record = await v.run(sha, { polling: { fastInterval: 5, fastFor: 60, slowInterval: 15, timeout: 120 } });
      assert.equal(record.state, 'timeout');
      assert.equal(v.clock.now - T0, 120_000);
      assert.ok(v.writes.slice(0, -1).every((r) => r.state === 'pending'));
      assert.match(record.message!, /no outcome within 120s/);
    } finally {
      await v.close();
    }
  });

  it('pages on when the commit is older than the first page', async () => {
    let sha = '';
    const newer = Array.from({ length: 60 }, (_, i) => ({
      id: `n${i}`,
      sha: i.toString(16).padStart(40, '0'),
      phases: [[1_000 + i * 10, 'ACTIVE']] as Array<[number, 'ACTIVE']>,
    }));
    const v = await world((repo) => {
      sha = repo.git('rev-parse', 'HEAD');
      return { deployments: [{ id: 'mine', sha, phases: [[0, 'ACTIVE']] }, ...newer] };
    });
    try {
      v.clock.now += 5_000;
      const record = await v.run(sha);
      assert.equal(record.state, 'success');
      assert.equal(record.deploymentId, 'mine');
      assert.deepEqual(
        v.api.apiRequests().map((r) => new URLSearchParams(r.query).get('page')),
        ['1', '2'],
      );
    } finally {
      await v.close();
    }
  });

  it('a rejected token with no other source ends as stopped, naming the fix', async () => {
    const v = await world({ deployments: [] });
    try {
      const sha = v.repo.git('rev-parse', 'HEAD');
      const wrong = createDigitalOceanSource({
        apiUrl: v.api.url,
        token: 'dop_v1_wrong',
        appId: 'app-1',
        timeoutMs: 2_000,
        perPage: 50,
        now: () => v.clock.now,
        random: () => 0.5,
        isAncestor: async () => null,
      });
      const record = await v.run(sha, { sources: [wrong] });
      assert.equal(record.state, 'stopped');
      assert.match(record.message!, /no source can answer: digitalocean: DigitalOcean rejected the token \(HTTP 401/);
      assert.equal(v.api.apiRequests().length, 1);
    } finally {
      await v.close();
    }
  });

  it('an abort (SIGTERM) records stopped', async () => {
    const v = await world({ deployments: [] });
    try {
      const sha = v.repo.git('rev-parse', 'HEAD');
      const controller = new AbortController();
      const source = v.source();
      let n = 0;
      const counting = {
        name: source.name,
        observe: async (c: Parameters<typeof source.observe>[0]) => {
          if (++n === 3) controller.abort('monitor stopped by SIGTERM'); // the watcher's reason for a signal
          return source.observe(c);
        },
      };
      const record = await v.run(sha, { sources: [counting], signal: controller.signal });
      assert.equal(record.state, 'stopped');
      assert.equal(record.message, 'monitor stopped by SIGTERM');
    } finally {
      await v.close();
    }
  });

  it('a small quota is spread until the reset (a reserve kept), never hit with a 429', async () => {
    let sha = '';
    const v = await world(
      (repo) => {
        sha = repo.git('rev-parse', 'HEAD');
        return {
          deployments: [
            {
              id: 'd',
              sha,
              phases: [
                [0, 'BUILDING'],
                [150_000, 'ACTIVE'],
              ],
            },
          ],
        };
      },
      { remaining: 3, windowMs: 60_000 },
    );
    try {
      const record = await v.run(sha);
      assert.equal(record.state, 'success');
      const statuses = v.api.apiRequests().map((r) => r.status);
      assert.ok(!statuses.includes(429), statuses.join(','));
      const times = v.api.apiRequests().map((r) => r.at);
      // 3 a minute with a reserve of 1: the 2 left after the first request are spread, 1 by the reset.
      assert.deepEqual(times.slice(0, 4), [0, 60_000, 120_000, 180_000]);
    } finally {
      await v.close();
    }
  });
});
