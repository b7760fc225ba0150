// The README's least-privilege setups, run as written: a role that owns only its schema (it migrates it
// itself, no CREATE on the database), and a role with data grants only on a schema an owner migrated.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { finalRecord, newRecord } from '../../../src/store/statusRecord.js';
import { PgStatusStore } from '../../../src/store/postgres/pgStatusStore.js';
import { TeamPushQueue } from '../../../src/push/queue/teamQueue.js';
import { startPostgres, type TestPostgres, withClient } from '../../../support/helpers/postgres.js';
import { makeTempDir } from '../../../support/helpers/repo.js';

let pg: TestPostgres | null = null;
let skip: string | false = false;
before(async () => {
  const started = await startPostgres();
  if ('skip' in started) skip = started.skip;
  else pg = started;
});
after(async () => {
  await pg?.stop();
});

const SHA = 'c'.repeat(40);

/** The URL of the test database for another role. */
function urlAs(role: string, password: string): string {
  const url = new URL(pg!.url);
  url.username = role;
  url.password = password;
  return url.toString();
}

function storeAt(url: string, schema: string): PgStatusStore {
  return new PgStatusStore({
    stateDir: makeTempDir('dw-grants-'),
    warn: (m) => assert.fail(`no warning expected: ${m}`),
    host: 'grants-host',
    pushedBy: 'grants',
    settings: async () => ({ url, schema, project: 'do:app-1' }),
  });
}

/** What a watcher and a check do: a lease, an inbox entry, a record written and read back, a log. */
async function exercise(store: PgStatusStore, url: string, schema: string): Promise<void> {
  const lease = await store.acquirePolling(
    { pid: 1, host: 'grants-host', startedAt: new Date().toISOString() },
    30_000,
  );
  assert.ok(lease, 'the lease is taken');
  await store.requestFollow({ sha: SHA, branch: 'main', remote: 'origin', requestedAt: new Date().toISOString() });
  assert.equal((await store.followRequests()).length, 1);
  await store.dropFollowRequest(SHA);
  const started = newRecord({ sha: SHA, branch: 'main', remote: 'origin', pid: 1 }, new Date().toISOString());
  await store.write(started);
  await store.write(finalRecord(started, 'success', null, new Date().toISOString(), { source: 'digitalocean' }));
  await store.writeLog(SHA, 'line 1\nline 2\n');
  const read = await store.read(SHA);
  assert.equal(read.status === 'ok' && read.record.state, 'success');
  assert.deepEqual(await store.tailLog(SHA, 1), ['line 2']);
  await lease.release();
  await store.close();
  // And what a push does in team mode: a ticket in the team's push queue (an identity column: no sequence grant).
  const queue = new TeamPushQueue({
    url,
    schema,
    host: 'grants-host',
    now: Date.now,
    turnTimeoutMs: 60_000,
    warn: (m) => assert.fail(`no warning expected: ${m}`),
  });
  const turn = await queue.enter({ url: '/srv/git/x.git', branch: 'main' });
  assert.equal(turn.aheadAtStart, 0);
  await turn.release();
  await queue.close();
}

describe('team store: least-privilege roles (README: team mode)', () => {
  it('a role that owns only its schema migrates it and works, without CREATE on the database', async (t) => {
    if (skip) return t.skip(skip);
    const role = `dw_owner_${process.pid}`;
    const password = randomBytes(9).toString('hex');
    await withClient(pg!.url, async (c) => {
      const database = (await c.query('select current_database() as d')).rows[0].d as string;
      await c.query(`create role ${role} login password '${password}'`);
      await c.query(`revoke create on database "${database}" from public`);
      await c.query(`grant connect on database "${database}" to ${role}`);
      await c.query(`create schema deploy_watch_owned authorization ${role}`);
    });
    await exercise(storeAt(urlAs(role, password), 'deploy_watch_owned'), urlAs(role, password), 'deploy_watch_owned');
    const owner = await withClient(pg!.url, (c) =>
      c.query(`select tableowner from pg_tables where schemaname = 'deploy_watch_owned' and tablename = 'records'`),
    );
    assert.equal(owner.rows[0]?.tableowner, role, 'the role created its tables itself');
  });

  it('a role with data grants only works on a schema the owner migrated', async (t) => {
    if (skip) return t.skip(skip);
    const role = `dw_user_${process.pid}`;
    const password = randomBytes(9).toString('hex');
    const schema = 'deploy_watch_granted';
    // The owner (here the superuser) migrates once, as the README says: any command with the owner's URL.
    await storeAt(pg!.url, schema).inProgress();
    await withClient(pg!.url, async (c) => {
      const database = (await c.query('select current_database() as d')).rows[0].d as string;
      await c.query(`create role ${role} login password '${password}'`);
      await c.query(`grant connect on database "${database}" to ${role}`);
      await c.query(`grant usage on schema ${schema} to ${role}`);
      await c.query(`grant select, insert, update, delete on all tables in schema ${schema} to ${role}`);
    });
    await exercise(storeAt(urlAs(role, password), schema), urlAs(role, password), schema);
  });
});

describe('team push queue with a role the store refuses', () => {
  it('pushes without the team turn, with one warning naming the grants, not an internal error', async (t) => {
    if (skip) return t.skip(skip);
    const role = `dw_none_${process.pid}`;
    const password = randomBytes(9).toString('hex');
    const schema = 'deploy_watch_refused';
    await storeAt(pg!.url, schema).inProgress(); // migrated by the owner; this role gets no grant on it
    await withClient(pg!.url, async (c) => {
      const database = (await c.query('select current_database() as d')).rows[0].d as string;
      await c.query(`create role ${role} login password '${password}'`);
      await c.query(`grant connect on database "${database}" to ${role}`);
    });
    const warnings: string[] = [];
    const queue = new TeamPushQueue({
      url: urlAs(role, password),
      schema,
      host: 'refused-host',
      now: Date.now,
      turnTimeoutMs: 60_000,
      warn: (m) => warnings.push(m),
    });
    const turn = await queue.enter({ url: '/srv/git/x.git', branch: 'main' });
    assert.equal(turn.aheadAtStart, 0);
    await turn.release();
    await queue.close();
    assert.equal(warnings.length, 1);
    assert.match(warnings[0]!, /refused the push queue \(permission denied.*grants/);
    assert.doesNotMatch(warnings[0]!, new RegExp(password));
  });
});
