// `check --wait` closes the gap skipped hooks leave: it starts a monitor for a pushed, unwatched commit.
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import type { Deps } from '../../src/core/deps.js';
import { evaluate } from '../../src/core/outcome.js';
import { makeEnsureWatched } from '../../src/hooks/ensureWatched.js';
import { createDeps } from '../../src/main.js';
import { makeRepo, type TestRepo } from '../helpers/repo.js';

function depsIn(repo: TestRepo, spawned: string[][]): Deps {
  const io = { stdout: { write: () => {}, isTTY: false }, stderr: { write: () => {}, isTTY: false }, env: repo.env, cwd: repo.dir };
  const real = createDeps({ json: false, quiet: false, verbose: false, cwd: '.' }, io);
  return { ...real, spawnDetached: (args) => (spawned.push([...args]), 4242) };
}

describe('ensureWatched (check --wait)', () => {
  const repo = makeRepo();
  after(() => repo.cleanup());

  it('starts the monitor for a commit on origin/main that has no record', async () => {
    const sha = repo.commit('pushed without hooks');
    repo.git('push', '-q', '--no-verify', 'origin', 'main');
    const spawned: string[][] = [];
    const deps = depsIn(repo, spawned);
    assert.equal(await makeEnsureWatched(deps)(sha, await evaluate(deps.store(), sha)), true);
    assert.deepEqual(spawned, [['monitor', sha, '--detach', '--branch', 'main', '--remote', 'origin']]);
  });

  it('starts nothing for a commit that is not on the remote deploy branch', async () => {
    const sha = repo.commit('local only');
    const spawned: string[][] = [];
    const deps = depsIn(repo, spawned);
    assert.equal(await makeEnsureWatched(deps)(sha, await evaluate(deps.store(), sha)), false);
    assert.deepEqual(spawned, []);
  });

  it('starts nothing for a monitor that was stopped on purpose', async () => {
    const sha = repo.git('rev-parse', 'origin/main');
    const spawned: string[][] = [];
    const deps = depsIn(repo, spawned);
    const stopped = { ...(await evaluate(deps.store(), sha)), unknown: 'stopped' as const };
    assert.equal(await makeEnsureWatched(deps)(sha, stopped), false);
    assert.deepEqual(spawned, []);
  });
});
