// Publishing end to end through the built CLI: `monitor` hands the commit to the real background watcher,
// which follows it against the fake DigitalOcean and posts to the GitHub stand-in: a commit that deploys gets
// pending then success, one that fails gets failure naming the failed step; each once, and the GitHub token
// is nowhere on disk. The same to the GitLab stand-in with GITLAB_TOKEN alone.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { type FakeGitHub, startGitHub } from '../../support/fakes/githubApi.js';
import { cliWorld, strayProcesses } from '../../support/worlds/cliWorld.js';
import { startGitLab } from '../../support/fakes/gitlabApi.js';
import { GH_REPO, GH_TOKEN, GL_PROJECT, GL_TOKEN } from '../../support/worlds/publishWorld.js';

after(() => assert.deepEqual(strayProcesses(), [], 'no deploy-watch process may outlive the tests'));

/** Every file's text under dir; one the watcher removes as it leaves (its lock, its last words) reads as ''. */
function textsUnder(dir: string): Array<[string, string]> {
  const vanished = (error: unknown) => {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    return '';
  };
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .map((name) => join(dir, name))
    .filter((path) => statSync(path, { throwIfNoEntry: false })?.isFile())
    .map((path): [string, string] => {
      try {
        return [path, readFileSync(path, 'utf8')];
      } catch (error) {
        return [path, vanished(error)];
      }
    });
}

async function followed(end: 'ACTIVE' | 'ERROR', to: 'github' | 'gitlab' = 'github') {
  const gh: FakeGitHub = await startGitHub({ token: GH_TOKEN, repo: GH_REPO });
  const gl = await startGitLab({ token: GL_TOKEN, project: GL_PROJECT });
  let sha = '';
  const w = await cliWorld(
    (repo) => ({
      deployments: [
        {
          id: 'dep-1',
          sha: (sha = repo.git('rev-parse', 'HEAD')),
          phases: [
            [0, 'PENDING_BUILD'],
            [300, 'BUILDING'],
            [700, 'DEPLOYING'],
            [1_100, end],
          ],
          holdEachPhase: true,
        },
      ],
    }),
    to === 'github'
      ? { config: { github: { repo: GH_REPO } }, env: { GITHUB_TOKEN: GH_TOKEN, GITHUB_API_URL: gh.url } }
      : { config: { gitlab: { project: GL_PROJECT } }, env: { GITLAB_TOKEN: GL_TOKEN, GITLAB_API_URL: gl.url } },
  );
  return {
    gh,
    gl,
    w,
    sha,
    close: async () => {
      await w.close();
      await gh.close();
      await gl.close();
    },
  };
}

describe('publishing to GitHub through the built CLI', () => {
  it('a commit that deploys: pending while it builds and deploys, then success, each once; no token on disk', async () => {
    const { gh, w, sha, close } = await followed('ACTIVE');
    try {
      assert.equal((await w.dw('monitor', sha)).code, 0);
      await w.waitFor('the success status', () => gh.statuses().some((s) => s.state === 'success'));
      // Gone, not only off the register: it still lets go of its lock and sources after that.
      await w.waitFor('the watcher to leave', () => strayProcesses().length === 0, 20_000);
      assert.deepEqual(
        gh.statuses().map((s) => `${s.state}: ${s.description}`),
        [
          'pending: Waiting for App Platform to start the deployment',
          'pending: Building on App Platform',
          'pending: Deploying on App Platform',
          'success: Deployed: live on App Platform',
        ],
      );
      assert.ok(gh.statuses().every((s) => s.sha === sha && s.context === 'deploy-watch'));
      assert.equal(gh.statuses().at(-1)!.target_url, 'https://cloud.digitalocean.com/apps/app-1/deployments/dep-1');
      assert.equal(w.record(sha)?.published?.statuses['deploy-watch'], 'success: Deployed: live on App Platform');
      for (const [file, text] of textsUnder(w.store.stateDir))
        assert.ok(!text.includes(GH_TOKEN), `the GitHub token is in ${file}`);
      assert.ok(gh.requests.every((r) => !JSON.stringify(r).includes('dop_v1_good')));
    } finally {
      await close();
    }
  });

  it('a commit that fails: failure naming the failed step, once', async () => {
    const { gh, w, sha, close } = await followed('ERROR');
    try {
      assert.equal((await w.dw('monitor', sha)).code, 1);
      await w.waitFor('the failure status', () => gh.statuses().some((s) => s.state === 'failure'));
      // Gone, not only off the register: it still lets go of its lock and sources after that.
      await w.waitFor('the watcher to leave', () => strayProcesses().length === 0, 20_000);
      const failures = gh.statuses().filter((s) => s.state === 'failure');
      assert.equal(failures.length, 1);
      assert.match(failures[0]!.description, /^Deployment failed at build › components › api \(Building service api\)/);
      assert.equal(gh.statuses()[0]!.state, 'pending');
      assert.equal(gh.statuses().length, 4);
    } finally {
      await close();
    }
  });
});

describe('publishing to GitLab through the built CLI', () => {
  it('with GITLAB_TOKEN alone: pending, running, success, each once; the token on no file', async () => {
    const { gh, gl, w, sha, close } = await followed('ACTIVE', 'gitlab');
    try {
      assert.equal((await w.dw('monitor', sha)).code, 0);
      await w.waitFor('the success status', () => gl.statuses().some((s) => s.state === 'success'));
      await w.waitFor('the watcher to leave', () => w.watcherPid() === null);
      assert.deepEqual(
        gl.statuses().map((s) => `${s.state}: ${s.description}`),
        [
          'pending: Waiting for App Platform to start the deployment',
          'running: Building on App Platform',
          'success: Deployed: live on App Platform',
        ],
      );
      assert.ok(gl.statuses().every((s) => s.sha === sha && s.name === 'deploy-watch'));
      assert.equal(gh.requests.length, 0);
      assert.deepEqual(w.record(sha)?.published?.gitlab, {
        project: GL_PROJECT,
        statuses: { 'deploy-watch': 'success' },
        refused: null,
      });
      for (const [file, text] of textsUnder(w.store.stateDir))
        assert.ok(!text.includes(GL_TOKEN), `the GitLab token is in ${file}`);
    } finally {
      await close();
    }
  });
});
