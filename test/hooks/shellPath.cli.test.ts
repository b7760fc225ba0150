// The pre-push hook's shell-only path, end to end through git and husky: a deploy-branch push with a
// current cache arms the watcher without starting Node; a changed (even within the same second, same
// size), broken or missing config sends the push through Node again, so a refusal still stops it.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { BIN } from '../../support/helpers/cli.js';
import { git, type TestRepo } from '../../support/helpers/repo.js';
import { CACHE_FILE } from '../../src/hooks/hookCache.js';
import {
  hookedSuite,
  makeHookedRepo,
  processesUnder,
  waitFor,
  watcherVerdicts,
  type HealthServer,
} from '../../support/worlds/hookedSuite.js';

const CONFIG = 'deploy-watch.config.json';
/** Same length, different deploy branch: only the mtime's fraction of a second tells them apart. */
const configText = (branch: string, health: HealthServer, repo: TestRepo) =>
  `${JSON.stringify({ branch, health: { url: health.urlFor(repo, branch) }, polling: { fastInterval: 1, fastFor: 5, slowInterval: 1, timeout: 20, linger: 0 } })}\n`;

function push(repo: TestRepo, args: string[]) {
  const r = spawnSync('git', ['push', ...args], { cwd: repo.dir, env: repo.env, encoding: 'utf8', timeout: 30_000 });
  return { code: r.status, stderr: r.stderr };
}

/** node_modules/.bin/deploy-watch that notes every time the hook starts Node through it. */
function countingShim(repo: TestRepo): () => number {
  const log = join(repo.root, 'node-starts');
  const shim = join(repo.dir, 'node_modules', '.bin', 'deploy-watch');
  rmSync(shim);
  writeFileSync(shim, `#!/bin/sh\necho x >> '${log}'\nexec '${process.execPath}' '${BIN}' "$@"\n`, { mode: 0o755 });
  return () => (existsSync(log) ? readFileSync(log, 'utf8').split('\n').filter(Boolean).length : 0);
}

const cacheOf = (repo: TestRepo) => join(repo.dir, '.git', CACHE_FILE);
const deployWatchLines = (stderr: string) => stderr.split('\n').filter((l) => l.startsWith('deploy-watch'));

describe('hooks: the shell-only deploy-branch push', () => {
  const { repos, health } = hookedSuite();
  const hooked = () => {
    const repo = makeHookedRepo();
    repos.push(repo);
    writeFileSync(join(repo.dir, CONFIG), configText('main', health(), repo));
    utimesSync(join(repo.dir, CONFIG), 1_700_000_000.25, 1_700_000_000.25);
    return { repo, nodeStarts: countingShim(repo) };
  };

  it('the first push writes the cache through Node; the next deploy push never starts Node and is still watched', async () => {
    const { repo, nodeStarts } = hooked();
    const first = repo.commit('first');
    const r1 = push(repo, ['origin', 'main']);
    assert.equal(r1.code, 0, r1.stderr);
    assert.equal(nodeStarts(), 1);
    assert.ok(existsSync(cacheOf(repo)), 'the Node path wrote the cache');
    await waitFor(() => watcherVerdicts(repo, first).length > 0, 'the first watcher verdict');

    const sha = repo.commit('second');
    const r2 = push(repo, ['origin', 'main']);
    assert.equal(r2.code, 0, r2.stderr);
    assert.equal(nodeStarts(), 1, 'the hook did not start Node');
    assert.deepEqual(
      deployWatchLines(r2.stderr),
      deployWatchLines(r1.stderr).map((l) => l.replaceAll(first.slice(0, 7), sha.slice(0, 7))),
    );
    assert.match(r2.stderr, new RegExp(`will watch the deployment of ${sha.slice(0, 7)} once the push is accepted`));
    await waitFor(() => watcherVerdicts(repo, sha).length > 0, 'the watcher verdict');
    assert.deepEqual(watcherVerdicts(repo, sha), ['accepted']);
    await waitFor(() => processesUnder(repo.root).length === 0, 'the watcher and monitor to end');
  });

  it('a tag push, and pushes with the environment overriding the branch, take the Node path', () => {
    const { repo, nodeStarts } = hooked();
    repo.commit('warm');
    assert.equal(push(repo, ['origin', 'main']).code, 0);
    repo.git('tag', 'v1');
    assert.equal(push(repo, ['origin', 'v1']).code, 0);
    assert.equal(nodeStarts(), 2);
    repo.commit('overridden');
    const r = spawnSync('git', ['push', 'origin', 'main'], {
      cwd: repo.dir,
      env: { ...repo.env, DEPLOY_WATCH_BRANCH: 'main' },
      encoding: 'utf8',
    });
    assert.equal(r.status, 0, r.stderr);
    assert.equal(nodeStarts(), 3);
  });

  it('another branch: a name the pattern accepts pushes without Node, silently; a refusal and a branch behind its upstream take Node, which says so', () => {
    const { repo, nodeStarts } = hooked();
    repo.commit('warm');
    assert.equal(push(repo, ['origin', 'main']).code, 0);
    assert.equal(nodeStarts(), 1);
    repo.git('checkout', '-q', '-b', 'feat/side');
    repo.commit('side');
    const accepted = push(repo, ['-u', 'origin', 'feat/side']);
    assert.equal(accepted.code, 0, accepted.stderr);
    assert.deepEqual(deployWatchLines(accepted.stderr), [], 'Node says nothing here either');
    assert.equal(nodeStarts(), 1, 'the shell answered');
    // Behind its upstream (someone else pushed to it): Node's warning, and the push still goes on.
    const ahead = repo.git('rev-parse', 'HEAD');
    repo.git('reset', '-q', '--hard', 'HEAD~');
    repo.git('update-ref', 'refs/remotes/origin/feat/side', ahead);
    repo.git('checkout', '-q', '-b', 'feat/other');
    repo.commit('other');
    repo.git('checkout', '-q', 'feat/side');
    repo.git('merge', '-q', '--ff-only', 'feat/other');
    const behind = push(repo, ['origin', 'feat/side:refs/heads/feat/side-2']);
    assert.equal(behind.code, 0, behind.stderr);
    assert.match(behind.stderr, /warning: feat\/side is 1 commit behind origin\/feat\/side/);
    assert.equal(nodeStarts(), 2);
    repo.git('checkout', '-q', '-b', 'Not_A_Pattern_Name');
    const refused = push(repo, ['origin', 'Not_A_Pattern_Name']);
    assert.equal(refused.code, 1, 'refused');
    assert.match(refused.stderr, /push refused: branch "Not_A_Pattern_Name" does not match/);
    assert.equal(nodeStarts(), 3);
  });

  it('a pattern the shell cannot read as JavaScript does (\\d) takes Node for every other branch, with the same answers', () => {
    const { repo, nodeStarts } = hooked();
    const config = JSON.parse(readFileSync(join(repo.dir, CONFIG), 'utf8')) as Record<string, unknown>;
    writeFileSync(join(repo.dir, CONFIG), `${JSON.stringify({ ...config, branchPattern: '^feat/\\d+$' })}\n`);
    utimesSync(join(repo.dir, CONFIG), 1_700_000_000.25, 1_700_000_000.25);
    repo.commit('warm');
    assert.equal(push(repo, ['origin', 'main']).code, 0);
    assert.ok(readFileSync(cacheOf(repo), 'utf8').includes("dw_ere='-'"), 'no ERE in the cache');
    repo.git('checkout', '-q', '-b', 'feat/12');
    repo.commit('twelve');
    assert.equal(push(repo, ['origin', 'feat/12']).code, 0);
    assert.equal(nodeStarts(), 2, 'Node answered');
    repo.git('checkout', '-q', '-b', 'feat/d');
    const refused = push(repo, ['origin', 'feat/d']);
    assert.equal(refused.code, 1);
    assert.equal(nodeStarts(), 3);
  });

  it('a config changed within the same second, same size, makes the cache stale: the new branch rule refuses the push', () => {
    const { repo, nodeStarts } = hooked();
    repo.commit('warm');
    assert.equal(push(repo, ['origin', 'main']).code, 0);
    const before = statSync(join(repo.dir, CONFIG));
    writeFileSync(join(repo.dir, CONFIG), configText('prod', health(), repo));
    utimesSync(join(repo.dir, CONFIG), 1_700_000_000.75, 1_700_000_000.75);
    const after = statSync(join(repo.dir, CONFIG));
    assert.equal(after.size, before.size);
    assert.equal(Math.floor(after.mtimeMs / 1000), Math.floor(before.mtimeMs / 1000));

    const behind = git(repo.remote, ['rev-parse', 'main']);
    repo.commit('now main is not the deploy branch');
    const r = push(repo, ['origin', 'main']);
    assert.equal(nodeStarts(), 2, 'the stale cache sent the push through Node');
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /push refused: branch "main" does not match/);
    assert.equal(git(repo.remote, ['rev-parse', 'main']), behind);
    // Only a deploy-branch push that passed Node's full config check writes the cache again.
    assert.doesNotMatch(
      readFileSync(cacheOf(repo), 'utf8'),
      /dw_branch='prod'/,
      'a refused push does not refresh the cache',
    );
    assert.equal(push(repo, ['origin', 'HEAD:prod']).code, 0);
    assert.equal(nodeStarts(), 3);
    assert.match(
      readFileSync(cacheOf(repo), 'utf8'),
      /dw_branch='prod'/,
      'Node refreshed the cache with the new branch',
    );
  });

  it('a config restored with an older mtime (cp -p, a checkout tool) makes the cache stale', () => {
    const { repo, nodeStarts } = hooked();
    repo.commit('warm');
    assert.equal(push(repo, ['origin', 'main']).code, 0);
    writeFileSync(join(repo.dir, CONFIG), configText('prod', health(), repo));
    utimesSync(join(repo.dir, CONFIG), 1_600_000_000, 1_600_000_000);
    repo.commit('main is no longer the deploy branch');
    const r = push(repo, ['origin', 'main']);
    assert.equal(nodeStarts(), 2, 'the stale cache sent the push through Node');
    assert.match(r.stderr, /push refused: branch "main" does not match/);
  });

  it('a config kept in package.json: the shell path serves it until a config file appears beside it', () => {
    const { repo, nodeStarts } = hooked();
    rmSync(join(repo.dir, CONFIG));
    const pkg = JSON.parse(readFileSync(join(repo.dir, 'package.json'), 'utf8'));
    const fromPkg = JSON.parse(configText('main', health(), repo));
    writeFileSync(join(repo.dir, 'package.json'), `${JSON.stringify({ ...pkg, deployWatch: fromPkg })}\n`);
    for (const n of [1, 2]) {
      repo.commit(`from package.json ${n}`);
      const r = push(repo, ['origin', 'main']);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stderr, /will watch the deployment of/);
      assert.equal(nodeStarts(), 1, n === 1 ? 'the first push went through Node' : 'the second did not');
    }
    // A config file takes precedence over package.json, even with an mtime older than the cache.
    writeFileSync(join(repo.dir, CONFIG), configText('prod', health(), repo));
    utimesSync(join(repo.dir, CONFIG), 1_600_000_000, 1_600_000_000);
    repo.commit('a config file now');
    const r = push(repo, ['origin', 'main']);
    assert.equal(nodeStarts(), 2);
    assert.match(r.stderr, /push refused: branch "main" does not match/);
  });

  it('a cache cut short (a syntax error, or no version line) takes the Node path, which writes it again', () => {
    const { repo, nodeStarts } = hooked();
    repo.commit('warm');
    assert.equal(push(repo, ['origin', 'main']).code, 0);
    const current = readFileSync(cacheOf(repo), 'utf8');
    const texts = [`${current.slice(0, current.length / 2)}'\n`, current.replace(/dw_v=.*\n/, '')];
    for (const [i, text] of texts.entries()) {
      writeFileSync(cacheOf(repo), text);
      utimesSync(cacheOf(repo), 1_700_000_000, 1_700_000_000);
      const sha = repo.commit(`garbled cache ${i}`);
      const r = push(repo, ['origin', 'main']);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(nodeStarts(), i + 2, 'the push went through Node');
      assert.doesNotMatch(r.stderr, /syntax error|husky -/i, 'the shell kept the broken cache to itself');
      assert.deepEqual(deployWatchLines(r.stderr), [
        `deploy-watch: will watch the deployment of ${sha.slice(0, 7)} once the push is accepted (./node_modules/.bin/deploy-watch check ${sha.slice(0, 7)} --wait 600).`,
      ]);
      assert.equal(readFileSync(cacheOf(repo), 'utf8'), current, 'Node wrote the cache again');
    }
  });

  it('a config the schema rejects never arms the shell path: every deploy push says what is wrong', async () => {
    const { repo, nodeStarts } = hooked();
    writeFileSync(
      join(repo.dir, CONFIG),
      `${JSON.stringify({ branch: 'main', health: { url: health().urlFor(repo) }, polling: { fastInterval: 'x' } })}\n`,
    );
    for (const n of [1, 2]) {
      const sha = repo.commit(`invalid config ${n}`);
      const r = push(repo, ['origin', 'main']);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(nodeStarts(), n, 'each push went through Node');
      assert.match(r.stderr, /polling\.fastInterval/);
      assert.doesNotMatch(r.stderr, /will watch the deployment/);
      assert.equal(existsSync(cacheOf(repo)), false, 'no cache from a config that cannot be watched');
      await waitFor(() => watcherVerdicts(repo, sha).length > 0, 'the watcher verdict');
    }
    await waitFor(() => processesUnder(repo.root).length === 0, 'the watchers to end');
  });

  it('a broken config takes the Node path, which says so and removes the cache; the push goes on', () => {
    const { repo, nodeStarts } = hooked();
    repo.commit('warm');
    assert.equal(push(repo, ['origin', 'main']).code, 0);
    assert.ok(existsSync(cacheOf(repo)));
    writeFileSync(join(repo.dir, CONFIG), '{ "branch": "main", ');
    for (const n of [2, 3]) {
      const sha = repo.commit(`with a broken config ${n}`);
      const r = push(repo, ['origin', 'main']);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(nodeStarts(), n);
      assert.match(r.stderr, /is not valid JSON[\s\S]*the push goes on without branch checks or a monitor/);
      assert.equal(existsSync(cacheOf(repo)), false);
      assert.equal(git(repo.remote, ['rev-parse', 'main']), sha);
    }
  });
});
