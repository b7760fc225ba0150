// check --wait on a driven clock: no real sleeping, exact timing.
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { describe, it } from 'node:test';
import { waitForOutcome } from '../../src/store/waitForOutcome.js';
import { newRecord } from '../../src/store/statusRecord.js';
import { writePidFile } from '../../src/kernel/fs/pidFile.js';
import { watcherPaths } from '../../src/store/files/stateDir.js';
import type { FileStatusStore } from '../../src/store/files/fileStatusStore.js';
import { fakeDeps } from '../../support/helpers/fakeDeps.js';
import { makeTempDir } from '../../support/helpers/repo.js';

const SHA = 'f'.repeat(40);

/** A temp state folder with an in-progress record followed by a "live watcher" (this test process). */
async function inProgress(state: 'building' | 'deploying') {
  const dir = makeTempDir();
  const deps = fakeDeps(dir);
  const store = deps.store() as FileStatusStore;
  store.ensure();
  writePidFile(watcherPaths(store.stateDir).pid, { pid: process.pid, startedAt: '' });
  await store.write(newRecord({ sha: SHA, state, pid: process.pid }, 'x'));
  return { deps, store, done: () => rmSync(dir, { recursive: true, force: true }) };
}

describe('check --wait (driven clock)', () => {
  it('returns at the first poll after the outcome is written', async () => {
    const { deps, store, done } = await inProgress('building');
    try {
      const start = deps.now();
      let writtenAt = 0;
      deps.onTick = async (now) => {
        if (!writtenAt && now - start >= 42_000) {
          writtenAt = now;
          await store.write(newRecord({ sha: SHA, state: 'success' }, 'x'));
        }
      };
      const result = await waitForOutcome(store, SHA, 600_000, deps);
      assert.equal(result.outcome, 'success');
      assert.ok(deps.now() - writtenAt <= 200, `noticed ${deps.now() - writtenAt} ms after the write`);
    } finally {
      done();
    }
  });

  it('gives up exactly at the deadline with the in-progress evaluation', async () => {
    const { deps, done } = await inProgress('deploying');
    const store = deps.store();
    try {
      const start = deps.now();
      const result = await waitForOutcome(store, SHA, 30_000, deps);
      assert.equal(result.exitCode, 2);
      assert.equal(deps.now() - start, 30_000);
    } finally {
      done();
    }
  });

  it('a failure whose logs are still being fetched: waits for the logs, then answers with them', async () => {
    const { deps, store, done } = await inProgress('building');
    try {
      const start = deps.now();
      const iso = (ms: number) => new Date(ms).toISOString();
      await store.write({
        ...newRecord({ sha: SHA, state: 'failed' }, 'x'),
        logs: { state: 'fetching', until: iso(start + 120_000), reason: null },
      });
      deps.onTick = async (now) => {
        if (now - start >= 7_000)
          await store.write({
            ...newRecord({ sha: SHA, state: 'failed' }, 'x'),
            logs: { state: 'fetched', until: null, reason: null },
          });
      };
      const result = await waitForOutcome(store, SHA, 60_000, deps);
      assert.equal(result.exitCode, 1);
      assert.equal(result.record?.logs?.state, 'fetched');
      assert.ok(deps.now() - start >= 7_000 && deps.now() - start <= 7_200, `answered after ${deps.now() - start} ms`);
    } finally {
      done();
    }
  });

  it('a failure whose log budget has run out, or the wait: answers at once with exit 1', async () => {
    const { deps, store, done } = await inProgress('building');
    try {
      const start = deps.now();
      const record = newRecord({ sha: SHA, state: 'failed' }, 'x');
      await store.write({
        ...record,
        logs: { state: 'fetching', until: new Date(start - 1).toISOString(), reason: null },
      });
      assert.equal((await waitForOutcome(store, SHA, 60_000, deps)).exitCode, 1);
      assert.equal(deps.now(), start, 'past its budget nobody fetches: no wait');
      await store.write({
        ...record,
        logs: { state: 'fetching', until: new Date(start + 120_000).toISOString(), reason: null },
      });
      const result = await waitForOutcome(store, SHA, 10_000, deps);
      assert.equal(result.exitCode, 1);
      assert.equal(deps.now() - start, 10_000, 'the wait ends at its own deadline');
    } finally {
      done();
    }
  });

  it('a monitor it started that stops for good (a 401): ends at the stopped record, not at the deadline', async () => {
    const dir = makeTempDir();
    const deps = fakeDeps(dir);
    const store = deps.store() as FileStatusStore;
    store.ensure();
    try {
      const start = deps.now();
      let stoppedAt = 0;
      deps.onTick = async (now) => {
        if (!stoppedAt && now - start >= 700) {
          stoppedAt = now;
          const reason = 'digitalocean: DigitalOcean rejected the token (HTTP 401: Unable to authenticate you.)';
          await store.write({
            ...newRecord({ sha: SHA, state: 'stopped', finishedAt: 'x' }, 'x'),
            message: `no source can answer: ${reason}`,
            cause: reason,
          });
        }
      };
      // No record yet: check --wait hands the commit over, and the monitor it started writes `stopped`.
      const result = await waitForOutcome(store, SHA, 60_000, deps, { ensureWatched: async () => true });
      assert.equal(result.unknown, 'stopped');
      assert.equal(result.exitCode, 3);
      assert.ok(stoppedAt > 0 && deps.now() - stoppedAt <= 200, `answered ${deps.now() - stoppedAt} ms after the stop`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
