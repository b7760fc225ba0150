// The team store against a real PostgreSQL behind a real PgBouncer in transaction mode: migrations run by
// several machines at once, the polling lease and its fencing, outcomes never replaced by a stale record,
// and the offline folder used while the database cannot be reached, then uploaded.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { LeaseLostError } from '../../../src/store/statusStore.js';
import { finalRecord, newRecord, type StatusRecord } from '../../../src/store/statusRecord.js';
import { LATEST_VERSION } from '../../../src/store/postgres/migrations.js';
import { PgStatusStore } from '../../../src/store/postgres/pgStatusStore.js';
import { freePort, withClient } from '../../../support/helpers/postgres.js';
import { bouncedPostgres } from '../../../support/helpers/bouncedPostgres.js';
import { makeTempDir } from '../../../support/helpers/repo.js';

const db = bouncedPostgres();

const SHA = (n: number) => n.toString(16).padStart(40, 'a');
let schemas = 0;

/** A store of one "machine": its own state folder, the bouncer's URL, a schema of the test's own. */
function machine(schema: string, opts: { url?: string; project?: string } = {}) {
  const warnings: string[] = [];
  const stateDir = makeTempDir('dw-team-');
  const store = new PgStatusStore({
    stateDir,
    warn: (m) => warnings.push(m),
    host: 'test-host',
    pushedBy: 'tester',
    settings: async () => ({ url: opts.url ?? db.bouncer!.url, schema, project: opts.project ?? 'do:app-1' }),
  });
  return { store, warnings, stateDir };
}

function freshSchema(): string {
  schemas += 1;
  return `dw_t${schemas}_${process.pid}`;
}

const record = (sha: string, fields: Partial<StatusRecord> = {}): StatusRecord =>
  newRecord({ sha, branch: 'main', remote: 'origin', pid: 4242, ...fields }, new Date().toISOString());

describe('team store (PostgreSQL through PgBouncer, transaction mode)', () => {
  it('twelve machines migrating a fresh schema at once: all succeed, each step applied once', async (t) => {
    if (db.skip) return t.skip(db.skip);
    const schema = freshSchema();
    const stores = Array.from({ length: 12 }, () => machine(schema).store);
    const answers = await Promise.all(stores.map((s) => s.read(SHA(1))));
    assert.deepEqual(
      answers.map((a) => a.status),
      Array(12).fill('missing'),
    );
    const versions = await withClient(db.pg!.url, (c) =>
      c.query(`select version from ${schema}.schema_migrations order by version`),
    );
    assert.deepEqual(
      versions.rows.map((r) => r.version),
      Array.from({ length: LATEST_VERSION }, (_, i) => i + 1),
    );
    await Promise.all(stores.map((s) => s.close()));
  });

  it('one lease per project: a second machine waits, takes it once expired, and the first one is fenced out', async (t) => {
    if (db.skip) return t.skip(db.skip);
    const schema = freshSchema();
    const a = machine(schema).store;
    const b = machine(schema).store;
    const leaseA = await a.acquirePolling({ pid: 1, host: 'a', startedAt: 'x' }, 30_000);
    assert.ok(leaseA, 'a free lease is taken');
    assert.equal(leaseA.epoch, 1);
    assert.equal(await b.acquirePolling({ pid: 2, host: 'b', startedAt: 'y' }, 30_000), null, 'held: not taken');
    await a.write(record(SHA(2), { host: 'a' }));
    const poller = await b.poller();
    assert.equal(poller?.host, 'a');
    assert.equal(poller?.liveness, 'alive');

    // A pause (a frozen VM, a network cut) longer than the lease: it expires, by the database's clock.
    await withClient(db.pg!.url, (c) =>
      c.query(`update ${schema}.leases set expires_at = now() - interval '1 second'`),
    );
    assert.equal((await b.poller())?.liveness, 'dead');
    const leaseB = await b.acquirePolling({ pid: 2, host: 'b', startedAt: 'y' }, 30_000);
    assert.ok(leaseB);
    assert.equal(leaseB.epoch, 2, 'every takeover is a new epoch');
    await b.write(record(SHA(2), { host: 'b', state: 'building', polls: 5 }));

    // A wakes up and writes what it saw: refused, and its renewal says the lease is gone.
    await assert.rejects(a.write(record(SHA(2), { host: 'a', state: 'failed' })), LeaseLostError);
    assert.equal(await leaseA.renew(), false);
    const read = await b.read(SHA(2));
    assert.equal(read.status === 'ok' && read.record.state, 'building', "the new holder's record stands");
    assert.equal(await leaseB.renew(), true);
    await leaseB.release();
    assert.equal((await a.poller())?.liveness, 'dead', 'released: free at once');
    await Promise.all([a.close(), b.close()]);
  });

  it('twenty machines racing for a free lease: exactly one gets it', async (t) => {
    if (db.skip) return t.skip(db.skip);
    const schema = freshSchema();
    const stores = Array.from({ length: 20 }, () => machine(schema).store);
    await stores[0]!.read(SHA(1)); // migrated first, so the race is about the lease alone
    const leases = await Promise.all(
      stores.map((s, i) => s.acquirePolling({ pid: 100 + i, host: `h${i}`, startedAt: 'z' }, 30_000)),
    );
    assert.equal(leases.filter((l) => l !== null).length, 1);
    await Promise.all(stores.map((s) => s.close()));
  });

  it('a write from outside the lease never replaces an outcome with a record still in progress', async (t) => {
    if (db.skip) return t.skip(db.skip);
    const schema = freshSchema();
    const { store } = machine(schema);
    const building = record(SHA(3), { state: 'building' });
    await store.write(finalRecord(building, 'success', null, new Date().toISOString()));
    await store.write(building);
    const read = await store.read(SHA(3));
    assert.equal(read.status === 'ok' && read.record.state, 'success');
    await store.close();
  });

  it('records, logs, inboxes and history are per project', async (t) => {
    if (db.skip) return t.skip(db.skip);
    const schema = freshSchema();
    const one = machine(schema, { project: 'do:one' }).store;
    const two = machine(schema, { project: 'do:two' }).store;
    await one.write(record(SHA(4)));
    await one.writeLog(SHA(4), 'line 1\nline 2\nline 3\n');
    await one.requestFollow({ sha: SHA(5), branch: 'main', remote: 'origin', requestedAt: 'now' });
    assert.deepEqual(await one.tailLog(SHA(4), 2), ['line 2', 'line 3']);
    assert.equal((await two.read(SHA(4))).status, 'missing');
    assert.deepEqual(await two.followRequests(), []);
    assert.deepEqual(
      (await one.followRequests()).map((r) => r.sha),
      [SHA(5)],
    );
    assert.deepEqual(await one.listShas(), [SHA(4)]);
    await Promise.all([one.close(), two.close()]);
  });

  it('database unreachable: one warning, the offline folder answers; the next process that reaches it uploads', async (t) => {
    if (db.skip) return t.skip(db.skip);
    const schema = freshSchema();
    const closedPort = await freePort();
    const url = `postgresql://postgres:${db.pg!.password}@127.0.0.1:${closedPort}/x`;
    const stateDir = makeTempDir('dw-team-');
    const warnings: string[] = [];
    const offline = new PgStatusStore({
      stateDir,
      warn: (m) => warnings.push(m),
      host: 'test-host',
      pushedBy: 'tester',
      settings: async () => ({ url, schema, project: 'do:app-1' }),
    });
    const began = Date.now();
    await offline.requestFollow({ sha: SHA(6), branch: 'main', remote: 'origin', requestedAt: 'now' });
    await offline.write(finalRecord(record(SHA(7)), 'failed', 'build failed', new Date().toISOString()));
    await offline.writeLog(SHA(7), 'npm ERR! boom\n');
    assert.ok(Date.now() - began < 2_000, 'an unreachable database costs one failed connect, not one per call');
    assert.equal(warnings.length, 1);
    assert.match(warnings[0]!, /cannot be reached/);
    assert.doesNotMatch(warnings[0]!, new RegExp(db.pg!.password), 'the password is never printed');
    assert.equal((await offline.read(SHA(7))).status, 'ok', 'answered from the offline folder');

    const online = new PgStatusStore({
      stateDir,
      warn: () => undefined,
      host: 'test-host',
      pushedBy: 'tester',
      settings: async () => ({ url: db.bouncer!.url, schema, project: 'do:app-1' }),
    });
    const read = await online.read(SHA(7)); // the first call that reaches the database uploads first
    assert.equal(read.status === 'ok' && read.record.state, 'failed');
    assert.deepEqual(await online.tailLog(SHA(7), 5), ['npm ERR! boom']);
    assert.deepEqual(
      (await online.followRequests()).map((r) => r.sha),
      [SHA(6)],
    );
    assert.equal(existsSync(join(stateDir, 'offline', 'runs', `${SHA(7)}.json`)), false, 'uploaded, then gone');
    await Promise.all([offline.close(), online.close()]);
  });

  it('logs finished while the database was down land on a record already final there: the fuller log and its state', async (t) => {
    if (db.skip) return t.skip(db.skip);
    const schema = freshSchema();
    const settings = (url: string) => async () => ({ url, schema, project: 'do:app-1' });
    const store = (stateDir: string, url: string) =>
      new PgStatusStore({ stateDir, warn: () => undefined, host: 'h', pushedBy: 't', settings: settings(url) });
    const failed = finalRecord(record(SHA(8)), 'failed', 'build failed', new Date().toISOString());
    const until = new Date(Date.now() + 60_000).toISOString();
    // On record in the database: the outcome, the BUILD log, the DEPLOY log still being fetched.
    const first = store(makeTempDir('dw-team-'), db.bouncer!.url);
    await first.write({ ...failed, logs: { state: 'fetching', until, reason: null } });
    await first.writeLog(SHA(8), '== BUILD ==\nnpm ERR! boom\n');
    // The database goes away; the DEPLOY log arrives and is saved offline with the fetch's end.
    const stateDir = makeTempDir('dw-team-');
    const down = store(stateDir, `postgresql://postgres:x@127.0.0.1:${await freePort()}/x`);
    await down.write({ ...failed, logs: { state: 'fetched', until, reason: null } });
    await down.writeLog(SHA(8), '== BUILD ==\nnpm ERR! boom\n== DEPLOY ==\ncrash loop\n');
    // Back: the next process that reaches it uploads both.
    const back = store(stateDir, db.bouncer!.url);
    const read = await back.read(SHA(8));
    assert.equal(read.status === 'ok' && read.record.logs?.state, 'fetched', 'the fetch ended, not "interrupted"');
    assert.deepEqual(await back.tailLog(SHA(8), 2), ['== DEPLOY ==', 'crash loop']);
    await Promise.all([first.close(), down.close(), back.close()]);
  });

  it('sslmode=require means what libpq means: encrypted, not verified (DigitalOcean hands out such URLs)', async (t) => {
    if (db.skip) return t.skip(db.skip);
    const { store } = machine(freshSchema(), { url: `${db.pg!.url}?sslmode=require` });
    assert.equal((await store.read(SHA(8))).status, 'missing');
    const ssl = await withClient(db.pg!.url, (c) =>
      c.query(
        `select count(*)::int as n from pg_stat_ssl join pg_stat_activity using (pid) where ssl and application_name = 'deploy-watch'`,
      ),
    );
    assert.ok(ssl.rows[0].n >= 1, 'the store connected over SSL');
    await store.close();
  });
});
