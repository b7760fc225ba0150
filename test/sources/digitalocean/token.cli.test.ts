// DIGITALOCEAN_TOKEN (Terraform's name, and many CI secrets') is accepted beside doctl's
// DIGITALOCEAN_ACCESS_TOKEN, which wins when both are set; both values stay out of the tool log; doctor
// names both variables when neither is set. Through the built CLI against the fake App Platform API.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { cliWorld, strayProcesses } from '../../../support/worlds/cliWorld.js';

after(() => assert.deepEqual(strayProcesses(), [], 'no deploy-watch process may outlive the tests'));

const activeWorld = async (env: NodeJS.ProcessEnv) => {
  let sha = '';
  const w = await cliWorld(
    (repo) => ({ deployments: [{ id: 'd', sha: (sha = repo.git('rev-parse', 'HEAD')), phases: [[0, 'ACTIVE']] }] }),
    { env },
  );
  return { w, sha };
};

describe('the DigitalOcean token under either name', () => {
  it('with only DIGITALOCEAN_TOKEN exported, the monitor follows the deployment to success (was: start-failed)', async () => {
    const { w, sha } = await activeWorld({ DIGITALOCEAN_ACCESS_TOKEN: '', DIGITALOCEAN_TOKEN: 'dop_v1_good' });
    try {
      const r = await w.dw('monitor', sha);
      assert.equal(r.code, 0, r.stdout + r.stderr);
      const rec = w.record(sha)!;
      assert.equal(rec.state, 'success');
      assert.equal(rec.source, 'digitalocean');
      assert.equal(rec.startFailed ?? null, null);
      assert.equal((await w.dw('check', sha)).code, 0);
    } finally {
      await w.close();
    }
  });

  it('DIGITALOCEAN_ACCESS_TOKEN wins over DIGITALOCEAN_TOKEN, and neither value reaches the tool log', async () => {
    // The losing variable holds a value the log would otherwise carry (the sha is on every line of it).
    const { w, sha } = await activeWorld({ DIGITALOCEAN_ACCESS_TOKEN: 'dop_v1_good' });
    try {
      w.env.DIGITALOCEAN_TOKEN = sha;
      const r = await w.dw('monitor', sha);
      assert.equal(r.code, 0, r.stdout + r.stderr);
      assert.equal(w.record(sha)!.state, 'success', 'the API accepted the token: DIGITALOCEAN_ACCESS_TOKEN was used');
      const log = readFileSync(join(w.store.stateDir, 'deploy-watch.log'), 'utf8');
      assert.match(log, /\[Redacted\]/);
      assert.ok(!log.includes(sha), 'the DIGITALOCEAN_TOKEN value is redacted from the tool log');
    } finally {
      await w.close();
    }
  });

  it('doctor accepts DIGITALOCEAN_TOKEN, and names both variables when neither is set', async () => {
    const { w } = await activeWorld({ DIGITALOCEAN_ACCESS_TOKEN: '', DIGITALOCEAN_TOKEN: 'dop_v1_good' });
    try {
      const ok = await w.dw('doctor');
      assert.match(ok.stdout, /✓ DigitalOcean token: accepted/, ok.stdout);
      assert.match(ok.stdout, /✓ DigitalOcean app: found/);
      w.env.DIGITALOCEAN_TOKEN = '';
      const none = await w.dw('doctor');
      assert.equal(none.code, 1);
      assert.match(
        none.stdout,
        /✗ DigitalOcean token: neither DIGITALOCEAN_ACCESS_TOKEN nor DIGITALOCEAN_TOKEN is set\n {4}fix: .*export DIGITALOCEAN_ACCESS_TOKEN \(DIGITALOCEAN_TOKEN/,
      );
    } finally {
      await w.close();
    }
  });
});
