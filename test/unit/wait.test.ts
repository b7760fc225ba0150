// check --wait on a driven clock: no real sleeping, exact timing.
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { describe, it } from 'node:test';
import { waitForOutcome } from '../../src/core/waitForOutcome.js';
import { newRecord } from '../../src/core/statusRecord.js';
import { writePidFile } from '../../src/core/pidFile.js';
import type { FileStatusStore } from '../../src/core/statusStore.js';
import { fakeDeps } from '../helpers/fakeDeps.js';
import { makeTempDir } from '../helpers/repo.js';

const SHA = 'f'.repeat(40);

/** A temp state folder with an in-progress record watched by a "live monitor" (this test process). */
async function inProgress(state: 'building' | 'deploying') {
  const dir = makeTempDir();
  const deps = fakeDeps(dir);
  const store = deps.store() as FileStatusStore;
  store.ensure();
  writePidFile(store.paths(SHA).pid, { pid: process.pid, sha: SHA, startedAt: '' });
  await store.write(newRecord({ sha: SHA, state }, 'x'));
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
});
