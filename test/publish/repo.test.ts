// Which repository (or GitLab project) outcomes go to, and how GitHub's and GitLab's answers are read:
// tables over pure functions.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { classify, SECONDARY_LIMIT_WAIT_MS } from '../../src/publish/github/client.js';
import { classifyGitLab, projectPath, RATE_LIMIT_WAIT_MS } from '../../src/publish/gitlab/client.js';
import { chooseRepo, gitHubHost, gitLabHost, repoFromAppSpec, repoFromRemoteUrl } from '../../src/publish/repo.js';
import { commitStatusesOf, statusContexts, statusDescription } from '../../src/publish/statuses.js';
import { newRecord } from '../../src/store/statusRecord.js';
import { pushSpec } from '../../support/fakes/doApi.js';
import { parseConfig } from '../../src/kernel/config/config.js';

describe('the repository outcomes go to', () => {
  const REMOTES: Array<[string, string | null]> = [
    ['https://github.com/acme/shop.git', 'acme/shop'],
    ['https://github.com/acme/shop', 'acme/shop'],
    ['https://x-access-token:abc@github.com/acme/shop.git', 'acme/shop'],
    ['ssh://git@github.com/acme/shop.git', 'acme/shop'],
    ['ssh://git@github.com:22/acme/shop', 'acme/shop'],
    ['git@github.com:acme/shop.git', 'acme/shop'],
    ['github.com:acme/shop.git', 'acme/shop'],
    ['git@gitlab.com:acme/shop.git', null],
    ['https://gitlab.com/acme/shop.git', null],
    ['/srv/git/shop.git', null],
    ['file:///srv/git/shop.git', null],
    ['https://github.com/acme', null],
  ];
  for (const [url, repo] of REMOTES) {
    it(`${url} → ${repo ?? 'none'}`, () => assert.equal(repoFromRemoteUrl(url), repo));
  }

  it('on GitHub Enterprise Server, the host of GITHUB_API_URL', () => {
    const host = gitHubHost('https://ghe.example.com/api/v3');
    assert.equal(host, 'ghe.example.com');
    assert.equal(repoFromRemoteUrl('git@ghe.example.com:acme/shop.git', host), 'acme/shop');
    assert.equal(repoFromRemoteUrl('git@github.com:acme/shop.git', host), null);
    assert.equal(gitHubHost('https://api.github.com'), 'github.com');
  });

  it('from the app spec: the first component deployed from GitHub', () => {
    assert.equal(repoFromAppSpec(pushSpec('web')), 'acme/app');
    assert.equal(repoFromAppSpec({ static_sites: [{ name: 's', gitlab: { repo: 'g/p' } }] }), null);
  });

  it('github.repo, else the remote, else the app spec (asked only then)', async () => {
    let asked = 0;
    const spec = async () => {
      asked += 1;
      return 'acme/app';
    };
    const host = 'github.com';
    const remoteUrl = 'git@github.com:acme/shop.git';
    assert.deepEqual(await chooseRepo({ configured: 'o/n', remoteUrl, host, appSpecRepo: spec }), {
      repo: 'o/n',
      from: 'config',
    });
    assert.deepEqual(await chooseRepo({ configured: undefined, remoteUrl, host, appSpecRepo: spec }), {
      repo: 'acme/shop',
      from: 'remote',
    });
    assert.equal(asked, 0);
    assert.deepEqual(await chooseRepo({ configured: null, remoteUrl: '/srv/x.git', host, appSpecRepo: spec }), {
      repo: 'acme/app',
      from: 'app spec',
    });
  });
});

describe("GitHub's answers", () => {
  const answer = (status: number, headers: Record<string, string> = {}, message = '') => ({
    status,
    headers: new Headers(headers),
    text: message ? JSON.stringify({ message }) : '',
  });
  const NOW = 1_700_000_000_000;

  it('a secondary limit (403 or 429) waits as retry-after says, else until x-ratelimit-reset, else a minute', () => {
    assert.deepEqual(classify(answer(403, { 'retry-after': '30' }), NOW), {
      kind: 'retry',
      reason: 'HTTP 403',
      waitMs: 30_000,
    });
    const reset = { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(NOW / 1000 + 90) };
    assert.equal((classify(answer(403, reset), NOW) as { waitMs: number }).waitMs, 90_000);
    const said = answer(403, {}, 'You have exceeded a secondary rate limit. Please wait a few minutes.');
    assert.equal((classify(said, NOW) as { waitMs: number }).waitMs, SECONDARY_LIMIT_WAIT_MS);
    assert.equal((classify(answer(429), NOW) as { waitMs: number }).waitMs, SECONDARY_LIMIT_WAIT_MS);
  });

  it('5xx is retried with backoff; 401, a plain 403, 404 and 422 are refusals', () => {
    assert.deepEqual(classify(answer(502), NOW), { kind: 'retry', reason: 'HTTP 502', waitMs: null });
    for (const status of [401, 403, 404, 422]) assert.equal(classify(answer(status), NOW).kind, 'refused');
    assert.equal(classify(answer(201), NOW).kind, 'ok');
  });
});

describe('commit statuses of a record', () => {
  const sha = 'a'.repeat(40);
  it('a long reason is cut to 140 characters; several apps get a context each, the app named', () => {
    const record = {
      ...newRecord({ sha, state: 'failed', source: 'digitalocean', deploymentId: 'd1' }, new Date(0).toISOString()),
      message: `deployment failed at ${'build › '.repeat(40)}`,
      app: { id: 'w1', name: 'web' },
    };
    const description = statusDescription(record);
    assert.equal([...description].length, 140);
    assert.ok(description.startsWith('web: Deployment failed at build'));
    const contexts = statusContexts(['api', 'web']);
    assert.deepEqual(contexts, ['deploy-watch/api', 'deploy-watch/web']);
    assert.deepEqual(
      commitStatusesOf(record, contexts, null).map((s) => [s.context, s.state, s.target_url]),
      [
        ['deploy-watch/api', 'failure', 'https://cloud.digitalocean.com/apps/w1/deployments/d1'],
        ['deploy-watch/web', 'failure', 'https://cloud.digitalocean.com/apps/w1/deployments/d1'],
      ],
    );
    assert.deepEqual(statusContexts([null]), ['deploy-watch']);
  });
});

describe('the github section of the config', () => {
  it('a repository that is not owner/name, or a wrong type, is named with the rule, every problem at once', () => {
    assert.throws(
      () =>
        parseConfig({ github: { repo: 'shop', deployments: 'yes', environment: '' } }, 'deploy-watch.config.json', {}),
      (error: Error) => {
        assert.match(error.message, /github\.repo.*must be "owner\/name"/);
        assert.match(error.message, /github\.deployments/);
        assert.match(error.message, /github\.environment/);
        return true;
      },
    );
    assert.deepEqual(parseConfig({}, 'x', {}).github, {
      statuses: true,
      deployments: false,
      environment: 'production',
    });
  });
});

describe('the GitLab project outcomes go to', () => {
  const REMOTES: Array<[string, string | null]> = [
    ['https://gitlab.com/acme/shop.git', 'acme/shop'],
    ['https://gitlab.com/acme/web/shop.git', 'acme/web/shop'],
    ['https://oauth2:glpat-x@gitlab.com/acme/shop', 'acme/shop'],
    ['ssh://git@gitlab.com/acme/web/shop.git', 'acme/web/shop'],
    ['git@gitlab.com:acme/web/shop.git', 'acme/web/shop'],
    ['git@github.com:acme/shop.git', null],
    ['https://gitlab.com/shop.git', null],
  ];
  for (const [url, project] of REMOTES) {
    it(`${url} → ${project ?? 'none'}`, () =>
      assert.equal(repoFromRemoteUrl(url, gitLabHost('https://gitlab.com/api/v4'), 'gitlab'), project));
  }

  it("on a self-managed GitLab, the host of GITLAB_API_URL; the app spec's gitlab.repo; the config's id", async () => {
    const host = gitLabHost('https://git.example.com/api/v4');
    assert.equal(repoFromRemoteUrl('git@git.example.com:acme/shop.git', host, 'gitlab'), 'acme/shop');
    assert.equal(repoFromRemoteUrl('git@gitlab.com:acme/shop.git', host, 'gitlab'), null);
    const spec = { services: [{ name: 'api', gitlab: { repo: 'acme/web/shop', branch: 'main' } }] };
    assert.equal(repoFromAppSpec(spec, 'gitlab'), 'acme/web/shop');
    assert.equal(repoFromAppSpec(spec), null, 'no GitHub repository in it');
    const choice = await chooseRepo({
      configured: null,
      remoteUrl: 'git@github.com:acme/shop.git',
      host: 'gitlab.com',
      forge: 'gitlab',
      appSpecRepo: async () => repoFromAppSpec(spec, 'gitlab'),
    });
    assert.deepEqual(choice, { repo: 'acme/web/shop', from: 'app spec' });
    assert.equal(projectPath('acme/web/shop'), '/projects/acme%2Fweb%2Fshop');
    assert.equal(
      projectPath(String(parseConfig({ gitlab: { project: 4242 } }, 'x', {}).gitlab.project)),
      '/projects/4242',
    );
  });
});

describe("GitLab's answers", () => {
  const answer = (status: number, headers: Record<string, string> = {}, body: object | null = null) => ({
    status,
    headers: new Headers(headers),
    text: body ? JSON.stringify(body) : '',
  });
  const NOW = 1_700_000_000_000;

  it('429 waits as Retry-After says, else until RateLimit-Reset, else a minute; 5xx is retried', () => {
    assert.deepEqual(classifyGitLab(answer(429, { 'retry-after': '30' }), NOW), {
      kind: 'retry',
      reason: 'HTTP 429',
      waitMs: 30_000,
    });
    const reset = { 'ratelimit-remaining': '0', 'ratelimit-reset': String(NOW / 1000 + 90) };
    assert.equal((classifyGitLab(answer(429, reset), NOW) as { waitMs: number }).waitMs, 90_000);
    assert.equal((classifyGitLab(answer(429), NOW) as { waitMs: number }).waitMs, RATE_LIMIT_WAIT_MS);
    assert.deepEqual(classifyGitLab(answer(503), NOW), { kind: 'retry', reason: 'HTTP 503', waitMs: null });
  });

  it('a repeated state (400 "Cannot transition status") is taken; 401, 403, 404 and another 400 are refusals', () => {
    const repeat = {
      message: 'Cannot transition status via :run from :running (Reason(s): Status cannot transition via "run")',
    };
    assert.equal(classifyGitLab(answer(400, {}, repeat), NOW).kind, 'ok');
    for (const status of [401, 403, 404]) assert.equal(classifyGitLab(answer(status), NOW).kind, 'refused');
    assert.deepEqual(classifyGitLab(answer(400, {}, { error: 'state does not have a valid value' }), NOW), {
      kind: 'refused',
      status: 400,
      reason: 'HTTP 400: state does not have a valid value',
    });
  });
});

describe('the gitlab section of the config', () => {
  it('a project that is neither "group/name" nor an id, or a wrong type, is named with the rule, every problem at once', () => {
    assert.throws(
      () => parseConfig({ gitlab: { project: 'shop', statuses: 'yes' } }, 'deploy-watch.config.json', {}),
      (error: Error) => {
        assert.match(error.message, /gitlab\.project.*must be "group\/name" \(subgroups allowed\) or a project id/);
        assert.match(error.message, /gitlab\.statuses/);
        return true;
      },
    );
    assert.deepEqual(parseConfig({}, 'x', {}).gitlab, { statuses: true });
    assert.equal(parseConfig({ gitlab: { project: 'a/b/c' } }, 'x', {}).gitlab.project, 'a/b/c');
  });
});
