// doctor's GitHub check against the local stand-in: off without a token (said only here), the repository
// found, the token's write checked (classic scopes; a refusal on HEAD's record), the missing permission named.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { checkGitHub } from '../../src/commands/doctor/github.js';
import { parseConfig } from '../../src/kernel/config/config.js';
import { createGit } from '../../src/git/git.js';
import { newRecord } from '../../src/store/statusRecord.js';
import { type FakeGitHub, startGitHub } from '../../support/fakes/githubApi.js';
import { makeRepo, type TestRepo } from '../../support/helpers/repo.js';
import { GH_TOKEN } from '../../support/worlds/publishWorld.js';

describe("doctor's GitHub check", () => {
  let repo: TestRepo;
  const servers: FakeGitHub[] = [];
  before(() => {
    repo = makeRepo();
  });
  after(async () => {
    await Promise.all(servers.map((s) => s.close()));
    repo.cleanup();
  });

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
    return checkGitHub(config, { env: fullEnv, git: createGit(repo.dir, repo.env), now: Date.now }, record);
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
    repo.git('remote', 'set-url', 'origin', 'git@127.0.0.1:acme/shop.git');
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
