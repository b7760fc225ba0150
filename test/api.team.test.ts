// The library API in team mode: checkDeployment and waitForDeployment answer from the team store on a
// clone that never saw the push (its own state folder is empty).
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { checkDeployment, waitForDeployment } from '../src/api.js';
import { finalRecord, newRecord } from '../src/store/statusRecord.js';
import { PgStatusStore } from '../src/store/postgres/pgStatusStore.js';
import { bouncedPostgres } from '../support/helpers/bouncedPostgres.js';
import { makeRepo, makeTempDir } from '../support/helpers/repo.js';

const db = bouncedPostgres();
const schema = `dw_api_${process.pid}`;

describe('library API in team mode', () => {
  const repo = makeRepo();
  after(() => repo.cleanup());

  it('checkDeployment and waitForDeployment read the team store', async (t) => {
    if (db.skip) return t.skip(db.skip);
    const sha = repo.commit('feature', {
      'deploy-watch.config.json': JSON.stringify({ digitalocean: { appId: 'app-1' }, team: { schema } }),
    });
    const env = { ...repo.env, DEPLOY_WATCH_STORE_URL: db.bouncer!.url };
    assert.equal((await checkDeployment(sha, { cwd: repo.dir, env })).outcome, 'not_found');

    // Another machine's poller (it holds the lease, so the commit is followed) records it, then its outcome.
    const elsewhere = new PgStatusStore({
      stateDir: makeTempDir('dw-api-other-'),
      warn: (m) => assert.fail(m),
      host: 'other-machine',
      pushedBy: 'agent-7',
      settings: async () => ({ url: db.bouncer!.url, schema, project: 'do:app-1' }),
    });
    const lease = await elsewhere.acquirePolling({ pid: process.pid, host: 'other-machine', startedAt: 'now' }, 30_000);
    assert.ok(lease);
    const started = newRecord(
      { sha, branch: 'main', remote: 'origin', pid: process.pid, host: 'other-machine' },
      new Date().toISOString(),
    );
    await elsewhere.write(started);
    assert.equal((await checkDeployment(sha, { cwd: repo.dir, env })).outcome, 'in_progress');
    const waiting = waitForDeployment(sha, { cwd: repo.dir, env, timeoutMs: 10_000 });
    await new Promise((r) => setTimeout(r, 300));
    await elsewhere.write(finalRecord(started, 'success', null, new Date().toISOString(), { source: 'digitalocean' }));
    const answer = await waiting;
    assert.equal(answer.outcome, 'success');
    await lease.release();
    await elsewhere.close();
  });
});
