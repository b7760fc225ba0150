// Team mode through the built CLI: three clones with separate state folders as three machines, sharing
// only a real PostgreSQL behind a real PgBouncer (transaction mode), against the fake App Platform API.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { FakeDeployment } from '../../support/fakes/doApi.js';
import { bouncedPostgres } from '../../support/helpers/bouncedPostgres.js';
import { withClient } from '../../support/helpers/postgres.js';
import { isAlive } from '../../support/helpers/state.js';
import { teamWorld, type TeamWorld, toolLogLines, until } from '../../support/worlds/teamWorld.js';

const db = bouncedPostgres();
let schemas = 0;

function schema(): string {
  schemas += 1;
  return `dw_e${schemas}_${process.pid}`;
}

/** Records of the schema as the database has them: sha → {state, host, pushedFrom}. */
async function records(
  name: string,
): Promise<Map<string, { state: string; host: string | null; from: string | null }>> {
  const { rows } = await withClient(db.pg!.url, (c) =>
    c.query(`select sha, state, record->>'host' as host, pushed_from from ${name}.records`).catch(() => ({
      rows: [] as Array<{ sha: string; state: string; host: string | null; pushed_from: string | null }>,
    })),
  );
  return new Map(rows.map((r) => [r.sha, { state: r.state, host: r.host, from: r.pushed_from }]));
}

const FINAL = new Set(['success', 'failed', 'canceled', 'superseded', 'timeout', 'stopped']);

async function allFinal(name: string, shas: string[]): Promise<boolean> {
  const found = await records(name);
  return shas.every((sha) => FINAL.has(found.get(sha)?.state ?? 'none'));
}

/** Deployment i: BUILDING soon, then ACTIVE (or ERROR for the failing ones) at `endAt` + a little per commit. */
function deployments(endAt: number, failing: number[] = []) {
  return (shas: string[]): FakeDeployment[] =>
    shas.map((sha, i) => ({
      id: `d${i}`,
      sha,
      phases: [
        [150, 'BUILDING'],
        [endAt + i * 40, failing.includes(i) ? 'ERROR' : 'ACTIVE'],
      ],
      ...(failing.includes(i) ? { logs: { BUILD: `npm ERR! build ${i} failed\n` } } : {}),
    }));
}

/** Every deployment of the timeline has reached its last phase (by the fake API's own clock). */
function allEnded(w: TeamWorld): boolean {
  return w.elapsed() > 8_000 + w.shas.length * 40;
}

/** Each machine hands its share of the commits over at once, as its post-push step does after a push. */
async function handOverAcross(w: TeamWorld): Promise<void> {
  w.go();
  const results = await Promise.all(
    w.shas.map((sha, i) => w.machines[i % w.machines.length]!.dw('monitor', sha, '--detach')),
  );
  assert.deepEqual(
    results.map((r) => r.code),
    Array(w.shas.length).fill(0),
    results.map((r) => r.stderr).join(''),
  );
}

describe('team mode: three machines sharing one PostgreSQL through PgBouncer', () => {
  it('12 commits handed over across three machines at once: every outcome right on all three, one poller, requests within 1.2x of one machine', async (t) => {
    if (db.skip) return t.skip(db.skip);
    const failing = [4, 9];
    const run = async (machines: number) => {
      const name = schema();
      const w = await teamWorld({
        machines,
        commits: 12,
        storeUrl: db.bouncer!.url,
        schema: name,
        deployments: deployments(9_000, failing),
      });
      try {
        await handOverAcross(w);
        await until('every outcome', () => allFinal(name, w.shas), 30_000);
        return { w, name, requests: w.api.apiRequests().filter((r) => !r.path.includes('/logs')).length };
      } catch (error) {
        await w.close();
        throw error;
      }
    };
    const one = await run(1);
    await one.w.close();
    const three = await run(3);
    try {
      const found = await records(three.name);
      const expected = three.w.shas.map((_, i) => (failing.includes(i) ? 'failed' : 'success'));
      assert.deepEqual(
        three.w.shas.map((sha) => found.get(sha)?.state),
        expected,
      );
      assert.deepEqual(
        three.w.shas.map((sha) => found.get(sha)?.from),
        three.w.shas.map((_, i) => `machine-${i % 3}`),
        'each record says which machine pushed it',
      );
      const pollers = new Set(three.w.shas.map((sha) => found.get(sha)?.host));
      assert.equal(pollers.size, 1, `one machine polled for the team: ${[...pollers].join(', ')}`);
      // Every machine answers for every commit, including the ones it never pushed.
      for (const m of three.w.machines) {
        const codes = await Promise.all(three.w.shas.map(async (sha) => (await m.dw('check', sha)).code));
        assert.deepEqual(
          codes,
          expected.map((s) => (s === 'success' ? 0 : 1)),
          `${m.name}'s answers`,
        );
      }
      const failed = await three.w.machines[2]!.dw('check', three.w.shas[4]!);
      await until(
        'the failed build log',
        async () => /npm ERR! build 4 failed/.test((await three.w.machines[2]!.dw('check', three.w.shas[4]!)).stdout),
        10_000,
      );
      assert.equal(failed.code, 1);
      const ratio = three.requests / one.requests;
      t.diagnostic(
        `DigitalOcean requests: one machine ${one.requests}, three machines ${three.requests} (${ratio.toFixed(2)}x)`,
      );
      assert.ok(ratio <= 1.2, `three machines made ${three.requests} requests, one made ${one.requests}`);
    } finally {
      await three.w.close();
    }
  });

  it('SIGKILL of the lease holder mid-deployment: another machine takes over within the lease and records every outcome', async (t) => {
    if (db.skip) return t.skip(db.skip);
    const name = schema();
    const w = await teamWorld({
      machines: 3,
      commits: 6,
      storeUrl: db.bouncer!.url,
      schema: name,
      lease: 3,
      deployments: deployments(7_000),
    });
    try {
      await handOverAcross(w);
      await until(
        'every commit building',
        async () => [...(await records(name)).values()].filter((r) => r.state === 'building').length === 6,
      );
      const holder = await withClient(db.pg!.url, (c) => c.query(`select host, pid from ${name}.leases`));
      const { host, pid } = holder.rows[0] as { host: string; pid: number };
      assert.ok(isAlive(pid));
      process.kill(pid, 'SIGKILL');
      const killedAt = Date.now();
      await until(
        'another machine to hold the lease',
        async () => {
          const now = await withClient(db.pg!.url, (c) =>
            c.query(`select host from ${name}.leases where expires_at > now()`),
          );
          return now.rows.length === 1 && now.rows[0].host !== host;
        },
        10_000,
      );
      const takeoverMs = Date.now() - killedAt;
      t.diagnostic(`takeover after ${takeoverMs} ms (lease 3 s)`);
      assert.ok(takeoverMs < 3_000 + 1_500, `taken over within the lease and a retry: ${takeoverMs} ms`);
      await until('every outcome', () => allFinal(name, w.shas), 20_000);
      const found = await records(name);
      for (const sha of w.shas) {
        assert.equal(found.get(sha)?.state, 'success');
        assert.notEqual(found.get(sha)?.host, host, 'recorded by the new holder');
      }
    } finally {
      await w.close();
    }
  });

  it('check --wait on a machine that did not push returns within a second of the outcome', async (t) => {
    if (db.skip) return t.skip(db.skip);
    const name = schema();
    const w = await teamWorld({
      machines: 2,
      commits: 1,
      storeUrl: db.bouncer!.url,
      schema: name,
      deployments: deployments(3_000),
    });
    try {
      w.go();
      assert.equal((await w.machines[0]!.dw('monitor', w.shas[0]!, '--detach')).code, 0);
      const waited = await w.machines[1]!.dw('check', w.shas[0]!, '--wait', '30', '--json');
      const returnedAt = Date.now();
      assert.equal(waited.code, 0, waited.stderr);
      const answer = JSON.parse(waited.stdout) as { record: { finishedAt: string } };
      const lag = returnedAt - Date.parse(answer.record.finishedAt);
      t.diagnostic(`check --wait returned ${lag} ms after the outcome was recorded`);
      assert.ok(lag < 1_000, `${lag} ms`);
    } finally {
      await w.close();
    }
  });

  it('the database stopped mid-run and restarted: nothing lost, every outcome in the team store', async (t) => {
    if (db.skip) return t.skip(db.skip);
    const name = schema();
    const w = await teamWorld({
      machines: 2,
      commits: 4,
      storeUrl: db.pg!.url,
      schema: name,
      lease: 2,
      deployments: deployments(8_000),
    });
    try {
      await handOverAcross(w);
      await until(
        'every commit followed',
        async () => [...(await records(name)).values()].filter((r) => r.state === 'building').length === 4,
      );
      db.pg!.pause();
      const pausedAt = Date.now();
      try {
        // The deployments end while the database is down; the poller records them on its machine meanwhile.
        await until(
          'the deployments to end',
          () => w.api.apiRequests().length > 0 && Date.now() - pausedAt > 2_000 && allEnded(w),
          15_000,
        );
        await new Promise((r) => setTimeout(r, 1_500)); // the poller sees the ends and records them offline
      } finally {
        db.pg!.resume();
      }
      // PgBouncer waits server_login_retry (15 s by default) after a failed login before it tries the server
      // again, and a machine retries the store 5 s after it went offline: the upload comes within about 20 s
      // of the restart, later on a loaded machine.
      await until('every outcome uploaded', () => allFinal(name, w.shas), 45_000).catch(async (error) => {
        t.diagnostic(JSON.stringify([...(await records(name)).entries()]));
        for (const m of w.machines)
          for (const line of toolLogLines(m, /./).slice(-40)) t.diagnostic(line.slice(0, 300));
        throw error;
      });
      const found = await records(name);
      assert.deepEqual(
        w.shas.map((sha) => found.get(sha)?.state),
        Array(4).fill('success'),
      );
      const check = await w.machines[1]!.dw('check', w.shas[0]!);
      assert.equal(check.code, 0, check.stdout + check.stderr);
    } finally {
      await w.close();
    }
  });
});
