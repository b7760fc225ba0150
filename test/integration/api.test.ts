// The library API on a real repository: the same answers as the CLI.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { ChildProcess } from 'node:child_process';
import { checkDeployment, listMonitors, stopMonitor, waitForDeployment } from '../../src/index.js';
import { makeRepo, type TestRepo } from '../helpers/repo.js';
import { isAlive, killQuietly, putRecord, startFakeMonitor, storeFor } from '../helpers/state.js';

describe('library API', () => {
  let repo: TestRepo;
  const children: ChildProcess[] = [];
  before(() => (repo = makeRepo()));
  after(() => {
    children.forEach(killQuietly);
    repo.cleanup();
  });

  it('checkDeployment, waitForDeployment, listMonitors and stopMonitor', async () => {
    const opts = { cwd: repo.dir, env: repo.env };
    const store = storeFor(join(repo.dir, '.git'));
    const sha = repo.commit('api');
    assert.equal((await checkDeployment(undefined, opts)).exitCode, 3);

    const child = startFakeMonitor(store, sha);
    children.push(child);
    await putRecord(store, sha, { state: 'building' });
    assert.equal((await checkDeployment(sha.slice(0, 10), opts)).outcome, 'in_progress');
    assert.deepEqual((await listMonitors(opts)).map((m) => [m.sha, m.liveness]), [[sha, 'alive']]);

    setTimeout(() => void putRecord(store, sha, { state: 'success' }), 300);
    const done = await waitForDeployment(sha, { ...opts, timeoutMs: 10_000, intervalMs: 50 });
    assert.equal(done.outcome, 'success');

    const stopped = await stopMonitor(sha.slice(0, 8), { ...opts, graceMs: 1000 });
    assert.equal(stopped.status, 'stopped');
    await new Promise((r) => setTimeout(r, 100));
    assert.ok(!isAlive(child.pid!) || (await listMonitors(opts)).length === 0);
    assert.equal((await checkDeployment(sha, opts)).outcome, 'success', 'an outcome is never overwritten by stop');
  });
});
