// Team mode with the store down under a live lease holder (README: reliability): PostgreSQL stops while
// machine A's watcher follows a commit, the deployment ends during the outage, and PostgreSQL comes back,
// once within the lease and once past it. On A, check answers from A's own records meanwhile (in progress,
// then the outcome), never "died or was killed"; and the outcome lands in the team store exactly once.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { CheckJson } from '../../../src/commands/check/render.js';
import { finalRecord, isFinal, newRecord, type StatusRecord } from '../../../src/store/statusRecord.js';
import { PgStatusStore } from '../../../src/store/postgres/pgStatusStore.js';
import { bouncedPostgres } from '../../../support/helpers/bouncedPostgres.js';
import { makeTempDir } from '../../../support/helpers/repo.js';
import { withClient } from '../../../support/helpers/postgres.js';
import { isAlive } from '../../../support/helpers/state.js';
import { teamWorld, toolLogLines, until } from '../../../support/worlds/teamWorld.js';

const db = bouncedPostgres();
let schemas = 0;
const freshSchema = () => `dw_o${++schemas}_${process.pid}`;

/** Every write of a record into the team store, in order (a test trigger beside the store's own). */
async function audit(schema: string): Promise<void> {
  await withClient(db.pg!.url, (c) =>
    c.query(`
      create table ${schema}.audit (sha text, state text, host text, epoch bigint, at timestamptz default clock_timestamp());
      create function ${schema}.audit_write() returns trigger language plpgsql as $$
      begin
        insert into ${schema}.audit (sha, state, host, epoch) values (new.sha, new.state, new.record->>'host', new.epoch);
        return null;
      end $$;
      create trigger records_audit after insert or update on ${schema}.records
        for each row execute function ${schema}.audit_write();`),
  );
}

async function writes(schema: string, sha: string): Promise<string[]> {
  const { rows } = await withClient(db.pg!.url, (c) =>
    c.query<{ state: string }>(`select state from ${schema}.audit where sha = $1 order by at`, [sha]),
  );
  return rows.map((r) => r.state);
}

async function stateInStore(schema: string, sha: string): Promise<string | null> {
  const { rows } = await withClient(db.pg!.url, (c) =>
    c.query<{ state: string }>(`select state from ${schema}.records where sha = $1`, [sha]).catch(() => ({
      rows: [] as Array<{ state: string }>,
    })),
  );
  return rows[0]?.state ?? null;
}

async function outage(t: { diagnostic(s: string): void }, opts: { lease: number; pastLease: boolean }) {
  const schema = freshSchema();
  let phaseClock = 0; // the deployment builds until the test moves its timeline on
  const w = await teamWorld({
    machines: 1,
    commits: 1,
    storeUrl: db.bouncer!.url,
    schema,
    lease: opts.lease,
    polling: { timeout: 300 },
    timeline: () => phaseClock,
    deployments: (shas) => [
      {
        id: 'd0',
        sha: shas[0]!,
        phases: [
          [0, 'BUILDING'],
          [1_000, 'ACTIVE'],
        ],
      },
    ],
  });
  const a = w.machines[0]!;
  const sha = w.shas[0]!;
  const check = async () => {
    const r = await a.dw('check', sha, '--json');
    if (!r.stdout.trim()) throw new Error(`check printed no answer (exit ${r.code}): ${r.stderr}`);
    return { ...(JSON.parse(r.stdout) as CheckJson), code: r.code, stderr: r.stderr };
  };
  let paused = false;
  try {
    w.go();
    const detached = await a.dw('monitor', sha, '--detach');
    assert.equal(detached.code, 0, detached.stderr);
    await until('the commit building in the team store', async () => (await stateInStore(schema, sha)) === 'building');
    await audit(schema);
    const watcher = a.watcherPid();
    assert.ok(watcher && isAlive(watcher));

    db.pg!.pause();
    paused = true;
    // During the outage, on A: the watcher that follows the commit offline is in progress, answered from A.
    let during: Awaited<ReturnType<typeof check>> | null = null;
    await until(
      'check on A to answer in progress from its offline records',
      async () => (during = await check()).code === 2,
      20_000,
    ).catch((error) => {
      t.diagnostic(JSON.stringify(during));
      throw error;
    });
    const inProgress = during! as Awaited<ReturnType<typeof check>>;
    assert.equal(inProgress.outcome, 'in_progress');
    assert.equal(inProgress.monitorPid, watcher);
    assert.match(inProgress.message, /team store cannot be reached.*this machine/i);
    // The human answer says it too, not only JSON's message.
    const human = await a.dw('check', sha);
    assert.equal(human.code, 2, human.stderr);
    assert.match(human.stdout, /The team store cannot be reached, so this answer is this machine's/);
    const status = await a.dw('manage', 'status', '--json');
    assert.equal(status.code, 0, status.stderr);
    assert.ok(status.stdout.includes(sha), `manage status lists the commit followed offline: ${status.stdout}`);

    if (opts.pastLease) {
      await until(
        'the lease to run out on A',
        () => toolLogLines(a, /lease lost/).length > 0,
        opts.lease * 1000 + 15_000,
      );
      const after = await check();
      assert.equal(after.code, 2, `past the lease, still in progress: ${after.message}`);
    }
    // A `check --wait` that spans the end of the deployment and the store's return.
    const waiting = a.dw('check', sha, '--wait', '120', '--json');
    phaseClock = 1_000; // the deployment goes live while the store is down
    await until('check on A to answer success from its offline record', async () => (await check()).code === 0, 20_000);
    db.pg!.resume();
    paused = false;
    const waited = await waiting;
    assert.equal(waited.code, 0, waited.stdout + waited.stderr);
    // PgBouncer waits server_login_retry (15 s) after a failed login before it tries the server again.
    await until('the outcome uploaded', async () => (await stateInStore(schema, sha)) === 'success', 60_000);
    const afterwards = await check();
    assert.equal(afterwards.code, 0, afterwards.message);
    await until('the watcher to leave', () => !isAlive(watcher), 30_000).catch(() => undefined);
    const finals = (await writes(schema, sha)).filter((s) => s !== 'building' && s !== 'pending' && s !== 'deploying');
    t.diagnostic(`writes into the store after the audit began: ${(await writes(schema, sha)).join(', ')}`);
    assert.deepEqual(finals, ['success'], 'the outcome recorded exactly once');
  } finally {
    if (paused) db.pg!.resume();
    await w.close();
  }
}

describe('team mode: the store down under a live lease holder', () => {
  it('PostgreSQL stopped and back within the lease: check on A answers from A meanwhile, the outcome recorded once', async (t) => {
    if (db.skip) return t.skip(db.skip);
    await outage(t, { lease: 60, pastLease: false });
  });

  it('PostgreSQL stopped past the lease: the watcher goes on offline, the outcome uploaded once when it is back', async (t) => {
    if (db.skip) return t.skip(db.skip);
    await outage(t, { lease: 3, pastLease: true });
  });
});

describe('team store: what a machine recorded offline, uploaded after the lease moved', () => {
  const PROJECT = 'do:app-1';
  const storeOn = (schema: string, stateDir: string, host: string) =>
    new PgStatusStore({
      stateDir,
      warn: () => undefined,
      host,
      pushedBy: 'agent',
      settings: async () => ({ url: db.bouncer!.url, schema, project: PROJECT }),
    });
  const record = (sha: string, state: StatusRecord['state'], host: string) => {
    const r = newRecord(
      { sha, branch: 'main', remote: 'origin', state, pid: process.pid, host },
      new Date().toISOString(),
    );
    return isFinal(state) ? finalRecord(r, state, null, new Date().toISOString()) : r;
  };

  it("an outcome reached offline lands once even under the new holder's lease; a stale in-progress record is dropped", async (t) => {
    if (db.skip) return t.skip(db.skip);
    const schema = freshSchema();
    const [x, y, z] = ['a', 'b', 'c'].map((c) => c.repeat(40)) as [string, string, string];
    // B holds the lease now (A's ran out while A could not reach the store) and follows y and z.
    const b = storeOn(schema, makeTempDir('dw-b-'), 'machine-1');
    const lease = await b.acquirePolling({ pid: process.pid, host: 'machine-1', startedAt: 'now' }, 60_000);
    assert.ok(lease);
    await b.write(record(x, 'building', 'machine-0')); // from before the outage
    await b.write(record(y, 'deploying', 'machine-1'));
    await b.write(record(z, 'success', 'machine-1'));
    await audit(schema);
    // A recorded offline, under the epoch it had: x went live, y and z still building as A last saw them.
    const aDir = makeTempDir('dw-a-');
    const offline = storeOn(schema, aDir, 'machine-0').offline;
    await offline.write(record(x, 'success', 'machine-0'));
    await offline.write(record(y, 'building', 'machine-0'));
    await offline.write(record(z, 'failed', 'machine-0'));
    // Two processes of A find the store back at once (its watcher and a check): each uploads.
    const [a1, a2] = [storeOn(schema, aDir, 'machine-0'), storeOn(schema, aDir, 'machine-0')];
    try {
      await Promise.all([a1.read(x), a2.read(x)]);
      const states = await Promise.all([x, y, z].map((sha) => stateInStore(schema, sha)));
      assert.deepEqual(states, ['success', 'deploying', 'success'], "x's outcome landed; B's records of y and z stand");
      assert.deepEqual(await writes(schema, x), ['success'], 'written once');
      assert.deepEqual(await writes(schema, y), [], "A's stale in-progress record of y dropped");
      assert.deepEqual(await writes(schema, z), [], "z's outcome on record is not replaced");
      assert.deepEqual(await offline.listShas(), [], 'the offline folder emptied once uploaded');
      // B, the holder, still writes under its lease.
      await b.write(record(y, 'success', 'machine-1'));
      assert.equal(await stateInStore(schema, y), 'success');
    } finally {
      await Promise.all([a1.close(), a2.close(), b.close()]);
    }
  });
});
