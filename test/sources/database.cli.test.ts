// A rejected DigitalOcean token hands over to the database source: a real PostgreSQL decides.
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { startPostgres, withClient, type TestPostgres } from '../../support/helpers/postgres.js';
import { cliWorld } from '../../support/worlds/cliWorld.js';

const started = await startPostgres();
const skip = 'skip' in started ? started.skip : false;
const pg = started as TestPostgres;
after(() => ('stop' in started ? started.stop() : undefined));

describe('token rejected, then the database decides (built CLI, real PostgreSQL)', { skip }, () => {
  it('records the database outcome, success or failed, with source database', async () => {
    let ok = '';
    let bad = '';
    const w = await cliWorld(
      (repo) => {
        ok = repo.git('rev-parse', 'HEAD');
        bad = repo.commit('broken');
        return { deployments: [] };
      },
      {
        token: 'dop_v1_revoked',
        env: { DATABASE_URL: pg.url },
        config: { database: { states: { success: ['deployed'], failed: ['failed'] } } },
      },
    );
    try {
      await withClient(pg.url, async (c) => {
        await c.query('create table deployments (commit_sha text, status text, created_at timestamptz default now())');
        await c.query("insert into deployments (commit_sha, status) values ($1, 'deployed'), ($2, 'failed')", [
          ok,
          bad,
        ]);
      });
      const good = await w.dw('monitor', ok);
      assert.equal(good.code, 0, good.stderr);
      assert.equal(w.record(ok)!.source, 'database');
      assert.equal(w.record(ok)!.state, 'success');
      const failed = await w.dw('monitor', bad);
      assert.equal(failed.code, 1);
      assert.equal(w.record(bad)!.state, 'failed');
      assert.ok(w.api.apiRequests().every((r) => r.status === 401));
      assert.equal(w.api.apiRequests().length, 2); // one per monitor: a rejected token is not asked again
      assert.equal((await w.dw('check', ok)).code, 0);
      assert.equal((await w.dw('check', bad)).code, 1);
    } finally {
      await w.close();
    }
  });
});
