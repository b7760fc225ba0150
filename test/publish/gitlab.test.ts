// Publishing outcomes to GitLab, against the local stand-in on the follow's driven clock: pending, running,
// then the verdict, each once (GitLab refuses a repeated state); faults retried without touching the record;
// a refusal said once; a status GitLab already has counts as posted; GitHub and GitLab side by side.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  assertUndelayed,
  deploysHead,
  GH_REPO,
  GL_PROJECT,
  GL_TOKEN,
  publishWorld,
} from '../../support/worlds/publishWorld.js';

const PANEL = 'https://cloud.digitalocean.com/apps/app-1/deployments/dep-1';
const STATUSES = `/projects/${encodeURIComponent(GL_PROJECT)}/statuses/`;
const gitLabOnly = (gitlab = {}) => [{}, {}, { gitlab, github: false as const }] as const;

describe('publishing outcomes to GitLab (driven clock, fake DigitalOcean, GitLab stand-in)', () => {
  it('a deployed commit: pending, running, success, each posted once, named deploy-watch, to the encoded project path', async () => {
    const v = await publishWorld(deploysHead(), ...gitLabOnly());
    try {
      const record = await v.publishHead();
      const { sha } = record;
      assert.equal(record.state, 'success');
      assert.deepEqual(
        v.gitlab.statuses().map((s) => [s.state, s.description]),
        [
          ['pending', 'Waiting for App Platform to start the deployment'],
          ['running', 'Building on App Platform'],
          ['success', 'Deployed: live on App Platform'],
        ],
      );
      for (const [i, s] of v.gitlab.statuses().entries()) {
        assert.equal(s.sha, sha);
        assert.equal(s.name, 'deploy-watch');
        assert.equal(s.target_url, i === 0 ? undefined : PANEL);
      }
      assert.deepEqual(
        v.gitlab.requests.map((r) => [r.method, r.path, r.status]),
        [
          ['POST', `${STATUSES}${sha}`, 201],
          ['POST', `${STATUSES}${sha}`, 201],
          ['POST', `${STATUSES}${sha}`, 201],
        ],
        'three requests, no repeat of running when building turned to deploying',
      );
      assert.ok(v.gitlab.requests.every((r) => r.privateToken === GL_TOKEN && r.authorization === null));
      assert.ok(!JSON.stringify(v.gitlab.requests).includes('dop_v1_good'), 'no DigitalOcean token sent to GitLab');
      assert.equal(v.github.requests.length, 0);
      assert.deepEqual(record.published, {
        repo: '',
        statuses: {},
        deployment: null,
        refused: null,
        gitlab: { project: GL_PROJECT, statuses: { 'deploy-watch': 'success' }, refused: null },
      });
    } finally {
      await v.close();
    }
  });

  it('a failed commit ends in failed, naming the failed step and component, posted once', async () => {
    const v = await publishWorld(deploysHead('ERROR'), ...gitLabOnly());
    try {
      const record = await v.publishHead();
      assert.equal(record.state, 'failed');
      assert.deepEqual(
        v.gitlab.statuses().map((s) => s.state),
        ['pending', 'running', 'failed'],
      );
      const last = v.gitlab.statuses().at(-1)!;
      assert.match(last.description ?? '', /^Deployment failed at build › components › api \(Building service api\)/);
      assert.equal(last.target_url, PANEL);
    } finally {
      await v.close();
    }
  });

  it('a 502, then a 429 with Retry-After: every status still arrives once, the record keeps its times', async () => {
    const clean = await publishWorld(deploysHead(), ...gitLabOnly());
    const faulty = await publishWorld(
      deploysHead(),
      ...gitLabOnly({
        faults: [
          { match: 'POST /projects/', status: 502 },
          { match: 'POST /projects/', status: 429, headers: { 'retry-after': '30' }, message: 'Retry later' },
        ],
      }),
    );
    try {
      const expected = await clean.publishHead();
      const record = await faulty.publishHead();
      const seen = (v: typeof clean) => v.gitlab.statuses().map(({ sha: _sha, ...status }) => status);
      assert.deepEqual(seen(faulty), seen(clean));
      assert.deepEqual(
        faulty.gitlab.requests.map((r) => r.status),
        [502, 429, 201, 201, 201],
      );
      assertUndelayed(faulty, 30_000, record, expected);
    } finally {
      await clean.close();
      await faulty.close();
    }
  });

  it('a rejected token (401): said once, in the log and on the record, and nothing more is posted', async () => {
    const v = await publishWorld(deploysHead(), ...gitLabOnly({ token: 'glpat-someoneelsestoken000000' }));
    try {
      const record = await v.publishHead();
      assert.equal(record.state, 'success', 'the outcome stands');
      assert.equal(v.gitlab.requests.length, 1);
      assert.equal(
        record.published?.gitlab?.refused,
        `GitLab rejected the token (HTTP 401: 401 Unauthorized): set GITLAB_TOKEN to a valid token with the api scope (a project access token with the Developer role) on ${GL_PROJECT}`,
      );
      assert.equal(v.events.filter((e) => e.event === 'publish refused').length, 1);
    } finally {
      await v.close();
    }
  });

  it('a Reporter token (403) is told to get the Developer role', async () => {
    const v = await publishWorld(deploysHead(), ...gitLabOnly({ accessLevel: 20 }));
    try {
      const record = await v.publishHead();
      assert.match(
        record.published?.gitlab?.refused ?? '',
        /^the token cannot write commit statuses to acme\/web\/shop on GitLab \(HTTP 403: 403 Forbidden\): give it the api scope/,
      );
      assert.equal(v.gitlab.requests.length, 1);
    } finally {
      await v.close();
    }
  });

  it('a state GitLab already has (400 "Cannot transition status") counts as posted, not as a refusal', async () => {
    const v = await publishWorld(deploysHead(), ...gitLabOnly());
    try {
      const sha = v.repo.git('rev-parse', 'HEAD');
      // Another watcher posted pending and running, and its record of that was lost.
      for (const state of ['pending', 'running'])
        await fetch(`${v.gitlab.url}${STATUSES}${sha}`, {
          method: 'POST',
          headers: { 'private-token': GL_TOKEN, 'content-type': 'application/json' },
          body: JSON.stringify({ state, name: 'deploy-watch' }),
        });
      const record = await v.publish(sha);
      assert.deepEqual(
        v.gitlab.requests.map((r) => r.status),
        [201, 201, 400, 400, 201],
      );
      assert.deepEqual(record.published?.gitlab, {
        project: GL_PROJECT,
        statuses: { 'deploy-watch': 'success' },
        refused: null,
      });
    } finally {
      await v.close();
    }
  });
});

describe('publishing to GitHub and GitLab at once', () => {
  it('each gets its statuses, the record keeps both parts, and a takeover posts nothing twice to either', async () => {
    const v = await publishWorld(deploysHead(), {}, {}, { gitlab: {} });
    try {
      const sha = v.repo.git('rev-parse', 'HEAD');
      const resume = await v.takeOver(sha, {
        repo: GH_REPO,
        statuses: { 'deploy-watch': 'pending: Building on App Platform' },
        deployment: null,
        refused: null,
        gitlab: { project: GL_PROJECT, statuses: { 'deploy-watch': 'running' }, refused: null },
      });
      const record = await v.publish(sha, { resume });
      assert.deepEqual(
        v.github.statuses().map((s) => s.description),
        ['Deploying on App Platform', 'Deployed: live on App Platform'],
      );
      assert.deepEqual(
        v.gitlab.statuses().map((s) => s.state),
        ['success'],
      );
      assert.deepEqual(record.published, {
        repo: GH_REPO,
        statuses: { 'deploy-watch': 'success: Deployed: live on App Platform' },
        deployment: null,
        refused: null,
        gitlab: { project: GL_PROJECT, statuses: { 'deploy-watch': 'success' }, refused: null },
      });
    } finally {
      await v.close();
    }
  });
});
