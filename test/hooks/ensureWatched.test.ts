// `check --wait` closes the gap skipped hooks leave: it starts a monitor for a pushed, unwatched commit.
import type { ChildProcess } from 'node:child_process';
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import type { Deps } from '../../src/deps.js';
import { evaluate } from '../../src/store/outcome.js';
import { makeEnsureWatched } from '../../src/hooks/ensureWatched.js';
import type { FileStatusStore } from '../../src/store/files/fileStatusStore.js';
import { createDeps } from '../../src/main.js';
import { makeRepo, type TestRepo } from '../../support/helpers/repo.js';
import { killQuietly, startFakeMonitor } from '../../support/helpers/state.js';

const fakes: ChildProcess[] = [];

/** Real deps, except that "starting the watcher" records the argv and starts a stand-in that takes the inbox. */
function depsIn(repo: TestRepo, spawned: string[][]): Deps {
  const io = {
    stdout: { write: () => {}, isTTY: false },
    stderr: { write: () => {}, isTTY: false },
    env: repo.env,
    cwd: repo.dir,
  };
  const real = createDeps({ json: false, quiet: false, verbose: false, cwd: '.' }, io);
  return {
    ...real,
    spawnDetached: (args) => {
      spawned.push([...args]);
      const child = startFakeMonitor(real.store() as FileStatusStore, undefined, { takes: true });
      fakes.push(child);
      return child.pid!;
    },
  };
}

describe('ensureWatched (check --wait)', () => {
  const repo = makeRepo();
  after(() => {
    fakes.forEach(killQuietly);
    repo.cleanup();
  });

  it('starts the monitor for a commit on origin/main that has no record', async () => {
    const sha = repo.commit('pushed without hooks');
    repo.git('push', '-q', '--no-verify', 'origin', 'main');
    const spawned: string[][] = [];
    const deps = depsIn(repo, spawned);
    assert.equal(await makeEnsureWatched(deps)(sha, await evaluate(deps.store(), sha)), true);
    assert.deepEqual(spawned, [['watcher']]);
    // Asked again while the watcher follows it: in progress, so nothing to do and nothing more is started.
    const now = await evaluate(deps.store(), sha);
    assert.equal(now.outcome, 'in_progress');
    assert.equal(await makeEnsureWatched(deps)(sha, now), false);
    assert.equal(spawned.length, 1);
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
