// Publishing a followed commit's outcome to GitHub, against the local stand-in on the follow's driven clock:
// statuses on state change only (never per poll), the failed step named, faults retried without touching the
// record's timing, refusals said once, Deployments with their statuses, and nothing posted twice on a takeover.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { assertUndelayed, deploysHead, GH_REPO, GH_TOKEN, publishWorld } from '../../support/worlds/publishWorld.js';

const PANEL = 'https://cloud.digitalocean.com/apps/app-1/deployments/dep-1';

describe('publishing outcomes to GitHub (driven clock, fake DigitalOcean, GitHub stand-in)', () => {
  it('a deployed commit: pending while it builds and deploys, then success, each posted once, on state changes only', async () => {
    const v = await publishWorld(deploysHead());
    try {
      const sha = v.repo.git('rev-parse', 'HEAD');
      const record = await v.publish(sha);
      assert.equal(record.state, 'success');
      assert.deepEqual(
        v.github.statuses().map((s) => [s.state, s.description]),
        [
          ['pending', 'Waiting for App Platform to start the deployment'],
          ['pending', 'Building on App Platform'],
          ['pending', 'Deploying on App Platform'],
          ['success', 'Deployed: live on App Platform'],
        ],
      );
      assert.ok(record.polls >= 8, `${record.polls} polls, four statuses`);
      for (const [i, s] of v.github.statuses().entries()) {
        assert.equal(s.sha, sha);
        assert.equal(s.context, 'deploy-watch');
        // The first is posted before the first poll found the deployment: no page to link yet.
        assert.equal(s.target_url, i === 0 ? undefined : PANEL);
      }
      assert.ok(v.github.requests.every((r) => r.authorization === `Bearer ${GH_TOKEN}`));
      assert.ok(!JSON.stringify(v.github.requests).includes('dop_v1_good'), 'no DigitalOcean token sent to GitHub');
      assert.deepEqual(record.published, {
        repo: GH_REPO,
        statuses: { 'deploy-watch': 'success: Deployed: live on App Platform' },
        deployment: null,
        refused: null,
      });
    } finally {
      await v.close();
    }
  });

  it('a failed commit ends in failure naming the failed step and component, within 140 characters', async () => {
    const v = await publishWorld(deploysHead('ERROR'));
    try {
      const record = await v.publish(v.repo.git('rev-parse', 'HEAD'));
      assert.equal(record.state, 'failed');
      const last = v.github.statuses().at(-1)!;
      assert.equal(last.state, 'failure');
      assert.match(last.description, /^Deployment failed at build › components › api \(Building service api\)/);
      assert.ok([...last.description].length <= 140, last.description);
      assert.equal(last.target_url, PANEL);
      assert.equal(v.github.statuses().filter((s) => s.state === 'failure').length, 1);
    } finally {
      await v.close();
    }
  });

  it('a 502 and a 403 secondary limit with retry-after: every status still arrives once, the record keeps its times', async () => {
    const clean = await publishWorld(deploysHead());
    const faulty = await publishWorld(deploysHead(), {
      faults: [
        { match: 'POST /repos/acme/shop/statuses', status: 502 },
        {
          match: 'POST /repos/acme/shop/statuses',
          status: 403,
          headers: { 'retry-after': '30' },
          message: 'You have exceeded a secondary rate limit.',
        },
      ],
    });
    try {
      const expected = await clean.publish(clean.repo.git('rev-parse', 'HEAD'));
      const record = await faulty.publish(faulty.repo.git('rev-parse', 'HEAD'));
      assert.deepEqual(
        faulty.github.statuses().map((s) => s.description),
        clean.github.statuses().map((s) => s.description),
      );
      assert.deepEqual(
        faulty.github.requests.map((r) => r.status),
        [502, 403, 201, 201, 201, 201],
      );
      assertUndelayed(faulty, 30_000, record, expected);
    } finally {
      await clean.close();
      await faulty.close();
    }
  });

  it('a token that cannot write statuses: said once (log and record), and nothing more is posted for the commit', async () => {
    const v = await publishWorld(deploysHead(), { can: { statuses: false } });
    try {
      const record = await v.publish(v.repo.git('rev-parse', 'HEAD'));
      assert.equal(record.state, 'success', 'the outcome stands');
      assert.equal(v.github.requests.length, 1);
      assert.equal(
        record.published?.refused,
        'the token cannot write commit statuses to acme/shop (HTTP 403: Resource not accessible by personal access token): give it Commit statuses: write',
      );
      assert.equal(v.events.filter((e) => e.event === 'publish refused').length, 1);
    } finally {
      await v.close();
    }
  });

  it('a rejected token (401) says to set a valid one', async () => {
    const v = await publishWorld(deploysHead(), { token: 'ghp_someoneelsestoken0000000000000000000' });
    try {
      const record = await v.publish(v.repo.git('rev-parse', 'HEAD'));
      assert.match(
        record.published?.refused ?? '',
        /^GitHub rejected the token \(HTTP 401: Bad credentials\): set GITHUB_TOKEN/,
      );
      assert.equal(v.github.requests.length, 1);
    } finally {
      await v.close();
    }
  });

  it('with deployments: one Deployment for the sha (no auto-merge, no required contexts), then in_progress and success', async () => {
    const v = await publishWorld(deploysHead(), {}, { environment: 'production' });
    try {
      const sha = v.repo.git('rev-parse', 'HEAD');
      const record = await v.publish(sha);
      const [deployment, ...more] = v.github.deployments();
      assert.equal(more.length, 0);
      assert.equal(deployment!.ref, sha);
      assert.equal(deployment!.environment, 'production');
      assert.equal(deployment!.body.auto_merge, false);
      assert.deepEqual(deployment!.body.required_contexts, []);
      assert.deepEqual(
        deployment!.statuses.map((s) => [s.state, s.log_url, s.environment_url]),
        [
          ['in_progress', undefined, undefined], // posted before the first poll found the deployment
          ['success', PANEL, 'https://app-1.ondigitalocean.app'],
        ],
      );
      assert.equal(v.github.statuses().length, 4, 'the commit statuses too');
      assert.deepEqual(record.published?.deployment, { id: deployment!.id, state: 'success' });
    } finally {
      await v.close();
    }
  });

  it('a commit taken on from another watcher: what it published is not posted again', async () => {
    const v = await publishWorld(deploysHead());
    try {
      const sha = v.repo.git('rev-parse', 'HEAD');
      const resume = await v.takeOver(sha, {
        repo: GH_REPO,
        statuses: { 'deploy-watch': 'pending: Building on App Platform' },
        deployment: null,
        refused: null,
      });
      await v.publish(sha, { resume });
      assert.deepEqual(
        v.github.statuses().map((s) => s.description),
        ['Deploying on App Platform', 'Deployed: live on App Platform'],
      );
    } finally {
      await v.close();
    }
  });
});

describe('publishing when GitHub hangs or the follow is stopped', () => {
  it('a GitHub that never answers: the request times out and is retried; the status arrives once', async () => {
    const v = await publishWorld(deploysHead(), {
      faults: [{ match: 'POST /repos/acme/shop/statuses', status: 0, hold: true }],
    });
    try {
      const record = await v.publish(v.repo.git('rev-parse', 'HEAD'));
      assert.equal(record.state, 'success');
      assert.equal(v.github.requests[0]!.status, 0, 'the first request hung');
      assert.deepEqual(
        v.github.statuses().map((s) => s.state),
        ['pending', 'pending', 'pending', 'success'],
      );
      assert.ok(
        v.events.some((e) => e.event === 'publish retry' && /no answer within 2000 ms/.test(String(e.fields.reason))),
      );
    } finally {
      await v.close();
    }
  });

  it('a stop while GitHub fails: one try of the last word, and the log says the watcher stopped, not a timeout', async () => {
    const v = await publishWorld(deploysHead(), {
      faults: [{ match: 'POST /repos/acme/shop/statuses', status: 502, times: 10 }],
    });
    try {
      const controller = new AbortController();
      controller.abort('monitor stopped by SIGTERM');
      const record = await v.publish(v.repo.git('rev-parse', 'HEAD'), { signal: controller.signal });
      assert.equal(record.state, 'stopped');
      const gaveUp = v.events.filter((e) => e.event === 'publish gave up').map((e) => String(e.fields.reason));
      assert.equal(gaveUp.length, 1, JSON.stringify(v.events));
      assert.match(gaveUp[0]!, /^GitHub did not take the outcome before the watcher stopped \(/);
      assert.doesNotMatch(gaveUp[0]!, /within \d+s/);
    } finally {
      await v.close();
    }
  });

  it('a follow stopped by a signal ends in an error status naming the stop, posted once (on GitLab: failed)', async () => {
    const v = await publishWorld(deploysHead(), {}, {}, { gitlab: {} });
    try {
      const controller = new AbortController();
      controller.abort('monitor stopped by SIGTERM');
      const record = await v.publish(v.repo.git('rev-parse', 'HEAD'), { signal: controller.signal });
      assert.equal(record.state, 'stopped');
      assert.deepEqual(
        v.github.statuses().map((s) => `${s.state}: ${s.description}`),
        ['pending: Waiting for App Platform to start the deployment', 'error: Monitor stopped by SIGTERM'],
      );
      assert.deepEqual(
        v.gitlab.statuses().map((s) => `${s.state}: ${s.description}`),
        ['pending: Waiting for App Platform to start the deployment', 'failed: Monitor stopped by SIGTERM'],
      );
    } finally {
      await v.close();
    }
  });
});
