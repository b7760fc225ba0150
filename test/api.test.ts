// The library API on a real repository: the same answers as the CLI.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { ChildProcess } from 'node:child_process';
import { machineQueue } from '../src/push/queue/machineQueue.js';
import { createGit } from '../src/git/git.js';
import {
  checkDeployment,
  listFollowed,
  listMonitors,
  pushWithRetry,
  stopFollowing,
  stopMonitor,
  stopWatcher,
  waitForDeployment,
  watcherStatus,
} from '../src/index.js';
import { readFileSync, writeFileSync } from 'node:fs';
import { git } from '../support/helpers/repo.js';
import { makeRepo, type TestRepo } from '../support/helpers/repo.js';
import { liveness } from '../src/kernel/fs/pidFile.js';
import { killQuietly, putRecord, startFakeMonitor, storeFor } from '../support/helpers/state.js';

describe('library API', () => {
  let repo: TestRepo;
  const children: ChildProcess[] = [];
  before(() => (repo = makeRepo()));
  after(() => {
    children.forEach(killQuietly);
    repo.cleanup();
  });

  it('checkDeployment, waitForDeployment, listFollowed, stopFollowing, watcherStatus and stopWatcher (and the old names, kept as aliases)', async () => {
    const opts = { cwd: repo.dir, env: repo.env };
    const store = storeFor(join(repo.dir, '.git'));
    const sha = repo.commit('api');
    assert.equal((await checkDeployment(undefined, opts)).exitCode, 3);

    const child = startFakeMonitor(store, sha);
    children.push(child);
    await putRecord(store, sha, { state: 'building' });
    assert.equal((await checkDeployment(sha.slice(0, 10), opts)).outcome, 'in_progress');
    assert.deepEqual(
      (await listFollowed(opts)).map((m) => [m.sha, m.liveness]),
      [[sha, 'alive']],
    );

    setTimeout(() => void putRecord(store, sha, { state: 'success' }), 300);
    const done = await waitForDeployment(sha, { ...opts, timeoutMs: 10_000, intervalMs: 50 });
    assert.equal(done.outcome, 'success');

    assert.deepEqual(await stopFollowing(sha.slice(0, 8), { ...opts, graceMs: 1000 }), { status: 'not-running', sha });
    assert.equal(stopMonitor, stopFollowing, 'the old name is the same function');
    assert.equal(listMonitors, listFollowed, 'the old name is the same function');
    assert.equal((await checkDeployment(sha, opts)).outcome, 'success', 'an outcome is never overwritten by stop');
    assert.equal((await watcherStatus(opts)).watcher?.pid, child.pid);
    const ended = await stopWatcher({ ...opts, graceMs: 1000 });
    assert.equal(ended.status === 'stopped' && ended.signal, 'SIGTERM');
    assert.notEqual(liveness({ pid: child.pid!, startTime: null, startedAt: '' }), 'alive', 'ended (a zombie at most)');
    assert.equal((await watcherStatus(opts)).watcher, null);
  });

  it('pushWithRetry rebases over a concurrent roadmap change and pushes; a dirty tree is refused', async () => {
    const opts = { cwd: repo.dir, env: repo.env };
    repo.commit('roadmap', { 'ROADMAP.md': '# Roadmap\n\n- [ ] first\n' });
    repo.git('push', '-q', '--no-verify', 'origin', 'main');
    const other = join(repo.root, 'other');
    git(repo.root, ['clone', '-q', repo.remote, other], repo.env);
    writeFileSync(join(other, 'ROADMAP.md'), '# Roadmap\n\n- [x] first\n- [ ] from the other clone\n');
    git(other, ['commit', '-q', '-am', 'other'], repo.env);
    git(other, ['push', '-q', '--no-verify', 'origin', 'main'], repo.env);
    repo.commit('mine', { 'ROADMAP.md': '# Roadmap\n\n- [ ] first\n- [ ] mine\n' });
    const result = await pushWithRetry(opts);
    assert.equal(result.outcome, 'pushed', JSON.stringify(result));
    assert.equal(result.exitCode, 0);
    const merged = git(repo.remote, ['show', 'main:ROADMAP.md'], repo.env);
    assert.equal(merged, '# Roadmap\n\n- [x] first\n- [ ] from the other clone\n- [ ] mine');
    writeFileSync(join(repo.dir, 'ROADMAP.md'), 'dirty\n');
    const refused = await pushWithRetry(opts);
    assert.equal(refused.outcome, 'refused');
    assert.equal(refused.exitCode, 10);
  });
  it('pushWithRetry takes its turn in the machine push queue: it waits while another holds the turn', async () => {
    const opts = { cwd: repo.dir, env: repo.env };
    repo.git('checkout', '--', 'ROADMAP.md'); // the test before left it dirty on purpose
    repo.commit('queued');
    const line = await machineQueue(
      createGit(repo.dir, repo.env),
      repo.dir,
      { remote: 'origin', branch: 'main' },
      {
        env: repo.env,
        now: Date.now,
        turnTimeoutSeconds: 60,
      },
    );
    const held = await line.queue.enter(line.key);
    const before = git(repo.remote, ['rev-parse', 'main'], repo.env);
    const waits: number[] = [];
    const result = await pushWithRetry({
      ...opts,
      onWait: (ahead) => {
        waits.push(ahead);
        // While it waits nothing has been pushed; then the holder gives the turn back.
        assert.equal(git(repo.remote, ['rev-parse', 'main'], repo.env), before);
        void held.release();
      },
    });
    assert.equal(result.outcome, 'pushed', JSON.stringify(result));
    assert.deepEqual(waits, [1]);
    assert.equal(git(repo.remote, ['rev-parse', 'main'], repo.env), repo.git('rev-parse', 'HEAD'));
  });

  it("pushWithRetry defers git's auto-maintenance like the CLI: none inside the push, one run after it", async () => {
    const own = makeRepo();
    try {
      own.commit('maintained');
      // Every git process (and each auto-maintenance child git starts) logs its argv here, in order.
      const trace = join(own.root, 'trace2.json');
      const result = await pushWithRetry({ cwd: own.dir, env: { ...own.env, GIT_TRACE2_EVENT: trace } });
      assert.equal(result.outcome, 'pushed', JSON.stringify(result));
      const started = readFileSync(trace, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line) as { event: string; argv?: string[] })
        .filter((e) => e.event === 'start')
        .map((e) => (e.argv ?? []).slice(1).join(' '));
      const pushed = started.findIndex((argv) => argv.startsWith('push '));
      const maintenance = started.flatMap((argv, i) => (/^maintenance run --auto/.test(argv) ? [i] : []));
      assert.ok(pushed >= 0, started.join('\n'));
      assert.deepEqual(
        maintenance.filter((i) => i < pushed).map((i) => started[i]),
        [],
        'maintenance.auto off while fetching and pushing',
      );
      assert.equal(maintenance.filter((i) => i > pushed).length, 1, `one run after the push:\n${started.join('\n')}`);
    } finally {
      own.cleanup();
    }
  });
});
