// Pushes from git worktrees, where coding agents work (one worktree per task). Husky's runner (.husky/_)
// is git-ignored and made by npm install, so a new worktree has none and git ran no hook there: no line,
// no watcher, no record, while doctor said the hook was installed.
import { chmodSync, existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { cli, cliAsync } from '../../support/helpers/cli.js';
import { git, type TestRepo } from '../../support/helpers/repo.js';
import { CACHE_FILE } from '../../src/hooks/hookCache.js';
import { WORKTREE_PATH } from '../../src/hooks/huskyHook.js';
import {
  hookedSuite,
  makeQuickRepo,
  processesUnder,
  pushOk,
  waitFor,
  watcherVerdicts,
} from '../../support/worlds/hookedSuite.js';

function commitIn(repo: TestRepo, cwd: string, name: string): string {
  writeFileSync(join(cwd, `${name}.txt`), `${name}\n`);
  git(cwd, ['add', `${name}.txt`], repo.env);
  git(cwd, ['commit', '-q', '-m', name], repo.env);
  return git(cwd, ['rev-parse', 'HEAD'], repo.env);
}

/** The record `check` reads in `cwd` for `sha`, or null. */
function recordSeenFrom(repo: TestRepo, cwd: string, sha: string): { sha: string } | null {
  const r = cli(['check', sha, '--json'], { cwd, env: repo.env });
  return r.stdout ? ((JSON.parse(r.stdout) as { record?: { sha: string } | null }).record ?? null) : null;
}

/** doctor's output (async: the health endpoint it checks lives in this process). */
const doctor = async (repo: TestRepo, cwd: string) => (await cliAsync(['doctor'], { cwd, env: repo.env })).stdout;
const doctorHookLine = async (repo: TestRepo, cwd: string) =>
  (await doctor(repo, cwd)).split('\n').find((l) => l.includes('pre-push hook')) ?? '';

describe('hooks: git worktrees', () => {
  const { repos, health } = hookedSuite();
  const hooked = () => {
    const repo = makeQuickRepo(repos, health());
    // Executable in the commit, so that doctor passes it in a new worktree's checkout too.
    chmodSync(join(repo.dir, '.husky', 'pre-push'), 0o755);
    repo.git('add', '--chmod=+x', '.husky/pre-push');
    repo.git('commit', '-q', '-am', 'a health source');
    repo.git('push', '-q', '--no-verify', 'origin', 'main');
    return repo;
  };
  const settled = (repo: TestRepo) =>
    waitFor(() => processesUnder(repo.root).length === 0, 'background processes to end');

  it('a push from a new worktree without npm install is watched, and check in either worktree sees both pushes', async () => {
    const repo = hooked();
    const wt = join(repo.root, 'task-1');
    repo.git('worktree', 'add', '-q', '-b', 'agent/task-1', wt);
    assert.equal(existsSync(join(wt, 'node_modules')), false, 'no npm install in the worktree');
    assert.match(await doctorHookLine(repo, wt), /✓ pre-push hook/);

    const fromWorktree = commitIn(repo, wt, 'from the worktree');
    assert.match(pushOk(repo, ['origin', 'HEAD:main'], {}, wt), /will watch the deployment/);
    await waitFor(() => watcherVerdicts(repo, fromWorktree).length > 0, "the worktree push's verdict");
    assert.deepEqual(watcherVerdicts(repo, fromWorktree), ['accepted']);
    await waitFor(() => recordSeenFrom(repo, repo.dir, fromWorktree), 'the record, seen from the main worktree');
    assert.equal(recordSeenFrom(repo, wt, fromWorktree)?.sha, fromWorktree, 'and from the worktree');
    // The shell path's cache is the worktree's own, next to its HEAD, with paths that exist.
    const cache = readFileSync(join(git(wt, ['rev-parse', '--absolute-git-dir'], repo.env), CACHE_FILE), 'utf8');
    const bin = /^dw_bin='(.*)'$/m.exec(cache)?.[1];
    assert.ok(bin && existsSync(bin), cache);
    const again = commitIn(repo, wt, 'again from the worktree');
    assert.match(pushOk(repo, ['origin', 'HEAD:main'], {}, wt), /will watch the deployment/);
    await waitFor(() => recordSeenFrom(repo, repo.dir, again), 'the second worktree push, seen from the main worktree');

    repo.git('merge', '-q', '--ff-only', 'origin/main');
    const fromMain = repo.commit('from the main worktree');
    assert.match(pushOk(repo, ['origin', 'main'], {}, repo.dir), /will watch the deployment/);
    await waitFor(() => recordSeenFrom(repo, wt, fromMain), 'the main push, seen from the worktree');
    await settled(repo);
  });

  it('an install by an older init: doctor in the worktree says no hook runs there; init again repairs it', async () => {
    const repo = hooked();
    // What an older init left: no post-checkout block, a pre-push block without the worktree lookup.
    const hook = join(repo.dir, '.husky', 'pre-push');
    writeFileSync(hook, readFileSync(hook, 'utf8').replace(`${WORKTREE_PATH.join('\n')}\n`, ''));
    rmSync(join(repo.dir, '.husky', 'post-checkout'), { force: true });
    repo.git('commit', '-q', '-am', 'deploy-watch as an older init wrote it');
    const wt = join(repo.root, 'task-2');
    repo.git('worktree', 'add', '-q', '-b', 'agent/task-2', wt);
    assert.equal(existsSync(join(wt, '.husky', '_')), false);
    const before = await doctor(repo, wt);
    assert.match(before, /✗ pre-push hook: git runs no pre-push hook in this worktree/);
    assert.match(before, /fix: Run: npx deploy-watch init again/);
    const missed = commitIn(repo, wt, 'unwatched');
    assert.doesNotMatch(pushOk(repo, ['origin', 'HEAD:main'], {}, wt), /deploy-watch/, 'git ran no hook');
    assert.equal(recordSeenFrom(repo, repo.dir, missed), null);

    const init = cli(['init'], { cwd: wt, env: repo.env });
    assert.equal(init.code, 0, init.stderr);
    assert.match(init.stdout, /Copied husky's runner \(\.husky\/_\) into the worktree/);
    assert.match(await doctorHookLine(repo, wt), /✓ pre-push hook/);
    const watched = commitIn(repo, wt, 'watched again');
    assert.match(pushOk(repo, ['origin', 'HEAD:main'], {}, wt), /will watch the deployment/);
    await waitFor(() => recordSeenFrom(repo, repo.dir, watched), 'the record, seen from the main worktree');
    await settled(repo);
  });
});
