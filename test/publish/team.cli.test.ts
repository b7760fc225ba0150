// Publishing in team mode through the built CLI: two machines share one PostgreSQL (through PgBouncer); only
// the lease holder posts, so each status reaches GitHub once; after SIGKILL of the holder, the machine that
// takes over posts what is left and nothing again (what was published is on the record). The repository
// comes from the DigitalOcean app's spec here (the clones' remote is a local path).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { startGitHub } from '../../support/fakes/githubApi.js';
import { bouncedPostgres } from '../../support/helpers/bouncedPostgres.js';
import { withClient } from '../../support/helpers/postgres.js';
import { isAlive } from '../../support/helpers/state.js';
import { GH_TOKEN } from '../../support/worlds/publishWorld.js';
import { teamWorld, until } from '../../support/worlds/teamWorld.js';

const db = bouncedPostgres();

describe('publishing in team mode (two machines, PostgreSQL through PgBouncer)', () => {
  it('each status posted once for the team, and not again after the lease holder is killed and another takes over', async (t) => {
    if (db.skip) return t.skip(db.skip);
    const gh = await startGitHub({ token: GH_TOKEN, repo: 'acme/app' }); // the fake app spec's repository
    const name = `dw_pub_${process.pid}`;
    const w = await teamWorld({
      machines: 2,
      commits: 3,
      storeUrl: db.bouncer!.url,
      schema: name,
      lease: 3,
      env: { GITHUB_TOKEN: GH_TOKEN, GITHUB_API_URL: gh.url },
      deployments: (shas) =>
        shas.map((sha, i) => ({
          id: `d${i}`,
          sha,
          phases: [
            [150, 'BUILDING'],
            [7_000 + i * 40, 'ACTIVE'],
          ],
        })),
    });
    const published = async () => {
      const { rows } = await withClient(db.pg!.url, (c) =>
        c.query(`select sha, record->'published'->'statuses'->>'deploy-watch' as status from ${name}.records`),
      );
      return new Map((rows as Array<{ sha: string; status: string | null }>).map((r) => [r.sha, r.status]));
    };
    try {
      w.go();
      const handed = await Promise.all(w.shas.map((sha, i) => w.machines[i % 2]!.dw('monitor', sha, '--detach')));
      assert.deepEqual(
        handed.map((r) => r.code),
        [0, 0, 0],
      );
      await until('Building published for every commit, on the record', async () => {
        const seen = await published();
        return w.shas.every((sha) => seen.get(sha) === 'pending: Building on App Platform');
      });
      const holder = await withClient(db.pg!.url, (c) => c.query(`select host, pid from ${name}.leases`));
      const { pid } = holder.rows[0] as { pid: number };
      assert.ok(isAlive(pid));
      process.kill(pid, 'SIGKILL');
      await until(
        'success published for every commit',
        async () => {
          const seen = await published();
          return w.shas.every((sha) => seen.get(sha) === 'success: Deployed: live on App Platform');
        },
        25_000,
      );
      for (const sha of w.shas) {
        const posted = gh
          .statuses()
          .filter((s) => s.sha === sha)
          .map((s) => `${s.state}: ${s.description}`);
        assert.deepEqual(
          posted,
          [
            'pending: Waiting for App Platform to start the deployment',
            'pending: Building on App Platform',
            'success: Deployed: live on App Platform',
          ],
          `each status of ${sha.slice(0, 7)} once, in order`,
        );
      }
    } finally {
      await w.close();
      await gh.close();
    }
  });
});
