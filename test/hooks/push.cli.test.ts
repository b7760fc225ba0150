// End to end through git, husky's runner and the built bin: what a push starts, and what it does not.
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { cli, cliAsync } from '../../support/helpers/cli.js';
import { git, type TestRepo } from '../../support/helpers/repo.js';
import {
  hookedSuite,
  makeQuickRepo,
  processesUnder,
  stateDir,
  waitFor,
  watcherVerdicts,
} from '../../support/worlds/hookedSuite.js';

function push(repo: TestRepo, args: string[], extraEnv: NodeJS.ProcessEnv = {}, cwd = repo.dir) {
  const r = spawnSync('git', ['push', ...args], {
    cwd,
    env: { ...repo.env, ...extraEnv },
    encoding: 'utf8',
    timeout: 30_000,
  });
  return { code: r.status, stderr: r.stderr };
}

const recordOf = (repo: TestRepo, sha: string) => join(stateDir(repo), 'runs', `${sha}.json`);
const readRecord = (repo: TestRepo, sha: string) => {
  const r = cli(['check', sha, '--json'], { cwd: repo.dir, env: repo.env });
  return r.stdout ? (JSON.parse(r.stdout) as { record?: { state: string; sha: string; branch: string } | null }) : null;
};

describe('hooks: pushes through husky', () => {
  const { repos, health } = hookedSuite();
  const hooked = () => makeQuickRepo(repos, health());
  /** The watchers and monitors a push started have all ended (bounded). */
  const settled = (repo: TestRepo) =>
    waitFor(() => processesUnder(repo.root).length === 0, 'background processes to end');

  it('a successful push to main starts one monitor for that commit and branch', async () => {
    const repo = hooked();
    const sha = repo.commit('deploy me');
    const hitsBefore = health().hits();
    const r = push(repo, ['origin', 'main']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, new RegExp(`will watch the deployment of ${sha.slice(0, 7)}`));
    await waitFor(() => watcherVerdicts(repo, sha).length > 0, 'the watcher verdict');
    assert.deepEqual(watcherVerdicts(repo, sha), ['accepted']);
    await waitFor(() => readRecord(repo, sha)?.record?.state === 'success', 'a success record');
    const record = readRecord(repo, sha)!.record!;
    assert.equal(record.sha, sha);
    assert.equal(record.branch, 'main');
    await settled(repo);
    assert.equal(health().hits() - hitsBefore, 1, 'one monitor, one poll of the health endpoint');
  });

  it('check --wait starts the monitor for a commit pushed with --no-verify', async () => {
    const repo = hooked();
    const sha = repo.commit('hooks skipped');
    const r = push(repo, ['--no-verify', 'origin', 'main']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(existsSync(recordOf(repo, sha)), false);
    const check = await cliAsync(['check', sha, '--wait', '20'], { cwd: repo.dir, env: repo.env });
    assert.equal(check.code, 0, check.stdout + check.stderr);
    assert.equal(readRecord(repo, sha)?.record?.state, 'success');
    await settled(repo);
  });

  it('hooks source ~/.config/deploy-watch/env (here: DEPLOY_WATCH=0 turns them off)', () => {
    const repo = hooked();
    mkdirSync(join(repo.home, '.config', 'deploy-watch'), { recursive: true });
    writeFileSync(join(repo.home, '.config', 'deploy-watch', 'env'), 'export DEPLOY_WATCH=0\n');
    repo.git('checkout', '-q', '-b', 'wip');
    repo.commit('would be refused');
    const r = push(repo, ['origin', 'wip']);
    assert.equal(r.code, 0, r.stderr);
    assert.doesNotMatch(r.stderr, /deploy-watch/);
  });

  it('a push to the remote by URL is confirmed with ls-remote', async () => {
    const repo = hooked();
    const sha = repo.commit('by url');
    const r = push(repo, [repo.remote, 'main']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /will watch the deployment/);
    await waitFor(() => watcherVerdicts(repo, sha).length > 0, 'the watcher verdict');
    assert.deepEqual(watcherVerdicts(repo, sha), ['accepted']);
  });

  it('a push of several refs watches the deploy branch only', async () => {
    const repo = hooked();
    repo.git('checkout', '-q', '-b', 'feat/side');
    const side = repo.commit('side');
    repo.git('checkout', '-q', 'main');
    const sha = repo.commit('main change');
    repo.git('tag', 'v1.0.0');
    const r = push(repo, ['origin', 'main', 'feat/side', 'v1.0.0']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stderr.split('\n').filter((l) => l.includes('will watch')).length, 1);
    await waitFor(() => watcherVerdicts(repo, sha).length > 0, 'the watcher verdict');
    await settled(repo);
    assert.deepEqual(watcherVerdicts(repo, sha), ['accepted']);
    assert.deepEqual(watcherVerdicts(repo, side), []);
  });

  it('a push refused by the remote (pre-receive) starts nothing', async () => {
    const repo = hooked();
    const hook = join(repo.remote, 'hooks', 'pre-receive');
    writeFileSync(hook, '#!/bin/sh\necho "refused by policy" >&2\nexit 1\n');
    chmodSync(hook, 0o755);
    const sha = repo.commit('not wanted');
    const r = push(repo, ['origin', 'main']);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /pre-receive hook declined/);
    await waitFor(() => watcherVerdicts(repo, sha).length > 0, 'the watcher verdict');
    assert.deepEqual(watcherVerdicts(repo, sha), ['rejected']);
    await settled(repo);
    assert.equal(existsSync(recordOf(repo, sha)), false);
  });

  it('an interrupted push (Ctrl-C during the transfer) starts nothing', async () => {
    const repo = hooked();
    const started = join(repo.root, 'pre-receive-started');
    const hook = join(repo.remote, 'hooks', 'pre-receive');
    writeFileSync(hook, `#!/bin/sh\ntouch '${started}'\nsleep 20\n`);
    chmodSync(hook, 0o755);
    const before = git(repo.remote, ['rev-parse', 'main']);
    const sha = repo.commit('interrupted');
    // Its own process group, as a terminal's Ctrl-C reaches git and the receive-pack it runs.
    const child = spawn('git', ['push', 'origin', 'main'], {
      cwd: repo.dir,
      env: repo.env,
      detached: true,
      stdio: 'ignore',
    });
    const exited = new Promise((resolve) => child.on('exit', resolve));
    await waitFor(() => existsSync(started), 'the remote hook to start');
    process.kill(-child.pid!, 'SIGINT');
    await exited;
    await waitFor(() => watcherVerdicts(repo, sha).length > 0, 'the watcher verdict');
    assert.deepEqual(watcherVerdicts(repo, sha), ['rejected']);
    await settled(repo);
    assert.equal(git(repo.remote, ['rev-parse', 'main']), before);
    assert.equal(existsSync(recordOf(repo, sha)), false);
  });

  it('a rejected (non-fast-forward) push starts nothing', async () => {
    const repo = hooked();
    const other = join(repo.root, 'other');
    git(repo.root, ['clone', '-q', repo.remote, other], repo.env);
    writeFileSync(join(other, 'theirs.txt'), 'theirs\n');
    git(other, ['add', 'theirs.txt'], repo.env);
    git(other, ['commit', '-q', '-m', 'theirs'], repo.env);
    git(other, ['push', '-q', '--no-verify', 'origin', 'main'], repo.env);
    const sha = repo.commit('ours');
    const r = push(repo, ['origin', 'main']);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /rejected/);
    await settled(repo);
    assert.equal(watcherVerdicts(repo, sha).includes('accepted'), false);
    assert.equal(existsSync(recordOf(repo, sha)), false);
  });

  it('refuses a branch whose name does not match the pattern, showing the pattern and the rename', () => {
    const repo = hooked();
    repo.git('checkout', '-q', '-b', 'wip');
    repo.commit('work in progress');
    const r = push(repo, ['origin', 'wip']);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /push refused: branch "wip" does not match/);
    assert.ok(r.stderr.includes('^(feat|fix|chore|docs|agent)/[a-z0-9._-]+$'));
    assert.ok(r.stderr.includes('git branch -m wip feat/wip'));
    assert.equal(git(repo.remote, ['branch', '--list', 'wip']), '');
  });

  it('leaves pushes to another remote, tags and deletions alone', () => {
    const repo = hooked();
    const mirror = join(repo.root, 'mirror.git');
    git(repo.root, ['init', '-q', '--bare', mirror], repo.env);
    repo.git('remote', 'add', 'mirror', mirror);
    repo.git('checkout', '-q', '-b', 'wip');
    repo.commit('to the mirror');
    const other = push(repo, ['mirror', 'wip']);
    assert.equal(other.code, 0, other.stderr);
    assert.doesNotMatch(other.stderr, /deploy-watch/);
    repo.git('tag', 'Not A Branch Name'.replace(/ /g, '_'));
    const tag = push(repo, ['origin', 'Not_A_Branch_Name']);
    assert.equal(tag.code, 0, tag.stderr);
    repo.git('push', '-q', '--no-verify', 'origin', 'wip');
    const deletion = push(repo, ['origin', '--delete', 'wip']);
    assert.equal(deletion.code, 0, deletion.stderr);
    assert.doesNotMatch(tag.stderr + deletion.stderr, /deploy-watch/);
  });

  it('warns in one line when the pushed branch is behind its upstream, and lets it through', () => {
    const repo = hooked();
    repo.git('checkout', '-q', '-b', 'feat/behind', '--track', 'origin/main');
    const other = join(repo.root, 'other');
    git(repo.root, ['clone', '-q', repo.remote, other], repo.env);
    writeFileSync(join(other, 'more.txt'), 'more\n');
    git(other, ['add', 'more.txt'], repo.env);
    git(other, ['commit', '-q', '-m', 'more'], repo.env);
    git(other, ['push', '-q', '--no-verify', 'origin', 'main'], repo.env);
    repo.git('fetch', '-q', 'origin');
    repo.commit('feature');
    const r = push(repo, ['origin', 'feat/behind']);
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stderr.split('\n').filter((l) => l.startsWith('deploy-watch'));
    assert.deepEqual(lines, [
      'deploy-watch: warning: feat/behind is 1 commit behind origin/main (as last fetched); the push goes on. To catch up: git pull --rebase (or deploy-watch push).',
    ]);
    assert.equal(git(repo.remote, ['rev-parse', 'feat/behind']), repo.git('rev-parse', 'HEAD'));
  });

  it('DEPLOY_WATCH=0 skips the hook: no check, no watcher', () => {
    const repo = hooked();
    repo.git('checkout', '-q', '-b', 'wip');
    repo.commit('skipped');
    const r = push(repo, ['origin', 'wip'], { DEPLOY_WATCH: '0' });
    assert.equal(r.code, 0, r.stderr);
    assert.doesNotMatch(r.stderr, /deploy-watch/);
    assert.deepEqual(processesUnder(repo.root), []);
  });

  it('a deploy-watch that crashes (exit 1) does not block the push; only a refusal does', () => {
    const repo = hooked();
    const shim = join(repo.dir, 'node_modules', '.bin', 'deploy-watch');
    rmSync(shim);
    writeFileSync(shim, '#!/bin/sh\necho "broken install" >&2\nexit 1\n', { mode: 0o755 });
    const sha = repo.commit('despite a broken tool');
    const r = push(repo, ['origin', 'main']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(git(repo.remote, ['rev-parse', 'main']), sha);
  });

  it('a clone without node_modules still pushes, with one line saying why nothing is watched', () => {
    const repo = hooked();
    rmSync(join(repo.dir, 'node_modules', '.bin'), { recursive: true });
    const sha = repo.commit('no modules');
    const r = push(repo, ['origin', 'main']);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(
      r.stderr.split('\n').filter((l) => l.startsWith('deploy-watch')),
      [
        'deploy-watch: node or deploy-watch not found; the push goes on without a monitor. Fix: npm install (deploy-watch is in package.json), else npm install --save-dev <its git URL or tarball>.',
      ],
    );
    assert.equal(git(repo.remote, ['rev-parse', 'main']), sha);
    assert.deepEqual(processesUnder(repo.root), []);
  });
});
