// doctor's GitHub and GitLab checks against the local stand-ins: off without a token (said only here), the repository
// found, the token's write checked (classic scopes; a refusal on HEAD's record), the missing permission named.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { checkGitHub } from '../../src/commands/doctor/github.js';
import { checkGitLab } from '../../src/commands/doctor/gitlab.js';
import { parseConfig } from '../../src/kernel/config/config.js';
import { createGit } from '../../src/git/git.js';
import { newRecord } from '../../src/store/statusRecord.js';
import { startGitHub } from '../../support/fakes/githubApi.js';
import { startGitLab } from '../../support/fakes/gitlabApi.js';
import { makeRepo, type TestRepo } from '../../support/helpers/repo.js';
import { GH_TOKEN, GL_PROJECT, GL_TOKEN } from '../../support/worlds/publishWorld.js';

/** A scratch repository for the suite, and the stand-ins its checks start, closed after it. */
function suiteFixture(): { repo(): TestRepo; servers: Array<{ close(): Promise<void> }> } {
  let repo: TestRepo;
  const servers: Array<{ close(): Promise<void> }> = [];
  before(() => {
    repo = makeRepo();
  });
  after(async () => {
    await Promise.all(servers.map((s) => s.close()));
    repo.cleanup();
  });
  return { repo: () => repo, servers };
}

describe("doctor's GitHub check", () => {
  const { repo, servers } = suiteFixture();

  async function check(
    github: Record<string, unknown>,
    scopes?: string,
    env: NodeJS.ProcessEnv = {},
    record = null as never,
  ) {
    const gh = await startGitHub({ token: GH_TOKEN, repo: 'acme/shop', ...(scopes !== undefined ? { scopes } : {}) });
    servers.push(gh);
    const fullEnv = { GITHUB_TOKEN: GH_TOKEN, GITHUB_API_URL: gh.url, ...env };
    const config = parseConfig({ github }, 'test', fullEnv);
    return checkGitHub(config, { env: fullEnv, git: createGit(repo().dir, repo().env), now: Date.now }, record);
  }

  it('no token: off, said here only, with what to set', async () => {
    const result = await check({ repo: 'acme/shop' }, undefined, { GITHUB_TOKEN: '' });
    assert.equal(result.verdict, 'skip');
    assert.match(result.detail, /^off: neither GITHUB_TOKEN nor GH_TOKEN is set\. .*Commit statuses: write/);
  });

  it('a classic token with repo:status passes; one without says which permission to give', async () => {
    const ok = await check({ repo: 'acme/shop' }, 'repo:status, read:org');
    assert.equal(ok.verdict, 'pass');
    assert.equal(ok.detail, 'the token can write commit statuses to acme/shop (repository from config)');
    const lacking = await check({ repo: 'acme/shop', deployments: true }, 'repo:status');
    assert.equal(lacking.verdict, 'fail');
    assert.equal(
      lacking.detail,
      'the token cannot write deployments to acme/shop (scopes: repo:status): give it Deployments: write',
    );
  });

  it('a repository the token cannot see (404) names the permission and github.repo', async () => {
    const result = await check({ repo: 'acme/other' }, 'repo');
    assert.equal(result.verdict, 'fail');
    assert.equal(
      result.detail,
      'the token cannot write commit statuses to acme/other (HTTP 404: Not Found): give it Commit statuses: write, or set github.repo if acme/other is not the repository',
    );
  });

  it('the repository from the remote URL (on the host of the API, as on GitHub Enterprise Server); a refusal the watcher met on HEAD fails the check with its words', async () => {
    repo().git('remote', 'set-url', 'origin', 'git@127.0.0.1:acme/shop.git');
    const fine = await check({});
    assert.equal(fine.verdict, 'pass');
    assert.match(fine.detail, /^the token reads acme\/shop \(repository from remote\); GitHub does not tell/);
    const refused = 'the token cannot write commit statuses to acme/shop (HTTP 403: x): give it Commit statuses: write';
    const record = {
      ...newRecord({ sha: 'b'.repeat(40), state: 'success' }, new Date(0).toISOString()),
      published: { repo: 'acme/shop', statuses: {}, deployment: null, refused },
    };
    const result = await check({}, undefined, {}, record as never);
    assert.equal(result.verdict, 'fail');
    assert.equal(result.detail, refused);
  });
});

describe("doctor's GitLab check", () => {
  const { repo, servers } = suiteFixture();

  async function check(
    gitlab: Record<string, unknown>,
    env: NodeJS.ProcessEnv = {},
    record = null as never,
    accessLevel = 30,
  ) {
    const gl = await startGitLab({ token: GL_TOKEN, project: GL_PROJECT, accessLevel });
    servers.push(gl);
    const fullEnv = { GITLAB_TOKEN: GL_TOKEN, GITLAB_API_URL: `${gl.url}/api/v4`, ...env };
    const config = parseConfig({ gitlab }, 'test', fullEnv);
    return checkGitLab(config, { env: fullEnv, git: createGit(repo().dir, repo().env), now: Date.now }, record);
  }

  it('no token: off, said here only, with the scope and role to give', async () => {
    const result = await check({ project: GL_PROJECT }, { GITLAB_TOKEN: '' });
    assert.equal(result.verdict, 'skip');
    assert.equal(
      result.detail,
      'off: GITLAB_TOKEN is not set. To show outcomes beside each commit on GitLab, export GITLAB_TOKEN with the api scope (a project access token with the Developer role).',
    );
  });

  it('a Developer token passes; a Reporter one fails naming the role; a project it cannot see names gitlab.project', async () => {
    const ok = await check({ project: GL_PROJECT });
    assert.equal(ok.verdict, 'pass');
    assert.match(ok.detail, /^the token reads acme\/web\/shop \(project from config\)/);
    const reporter = await check({ project: GL_PROJECT }, {}, null as never, 20);
    assert.equal(reporter.verdict, 'fail');
    assert.match(
      reporter.detail,
      /^the token cannot write commit statuses to acme\/web\/shop on GitLab \(access level 20\)/,
    );
    const other = await check({ project: 'acme/other' });
    assert.equal(
      other.detail,
      'the token cannot write commit statuses to acme/other on GitLab (HTTP 404: 404 Project Not Found): give it the api scope (a project access token with the Developer role), or set gitlab.project if acme/other is not the project',
    );
  });

  it('the project from the remote URL on the host of GITLAB_API_URL; a refusal the watcher met on HEAD fails the check', async () => {
    repo().git('remote', 'set-url', 'origin', `git@127.0.0.1:${GL_PROJECT}.git`);
    const fine = await check({});
    assert.equal(fine.verdict, 'pass');
    assert.match(fine.detail, /\(project from remote\)/);
    const refused = 'GitLab rejected the token (HTTP 401: 401 Unauthorized): set GITLAB_TOKEN …';
    const record = {
      ...newRecord({ sha: 'b'.repeat(40), state: 'success' }, new Date(0).toISOString()),
      published: {
        repo: '',
        statuses: {},
        deployment: null,
        refused: null,
        gitlab: { project: GL_PROJECT, statuses: {}, refused },
      },
    };
    const result = await check({}, {}, record as never);
    assert.equal(result.verdict, 'fail');
    assert.equal(result.detail, refused);
  });
});
