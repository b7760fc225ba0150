// Fault: `monitor --detach` of a sha that is not a commit followed it (a full sha was taken as given),
// polling for a deployment nothing could match. What the user must see: exit 64 naming the sha, nothing
// recorded or started; a commit that is not pushed yet is still followed.
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { cliWorld } from '../../support/worlds/cliWorld.js';

describe('fault: monitor of a sha that is not a commit', () => {
  it('refuses an unknown sha and a tree with 64, naming it; follows an unpushed commit', async () => {
    let unpushed = '';
    const w = await cliWorld((repo) => ({
      deployments: [{ id: 'd1', sha: (unpushed = repo.commit('not pushed yet')), phases: [[0, 'ACTIVE']] }],
    }));
    try {
      const tree = w.repo.git('rev-parse', 'HEAD^{tree}');
      for (const sha of ['0123456789abcdef0123456789abcdef01234567', tree]) {
        const r = await w.dw('monitor', sha, '--detach');
        assert.equal(r.code, 64, `${sha}: ${r.stdout}${r.stderr}`);
        assert.match(r.stderr, new RegExp(`No commit named "${sha}" in this repository`));
        assert.equal(w.record(sha), null, 'no record');
        const inbox = join(w.store.stateDir, 'watcher', 'follow');
        assert.ok(!existsSync(inbox) || readdirSync(inbox).length === 0, 'nothing handed to a watcher');
        assert.equal(w.watcherPid(), null, 'no watcher started');
      }
      const ok = await w.dw('monitor', unpushed, '--detach');
      assert.equal(ok.code, 0, ok.stderr);
      await w.waitFor('its success record', () => w.record(unpushed)?.state === 'success');
    } finally {
      await w.close();
    }
  });
});
