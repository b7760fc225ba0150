// The test PgBouncer really pools by transaction, and what that means for a client: session state
// (advisory locks, LISTEN) belongs to whichever backend ran the statement, not to the client.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { after, describe, test } from 'node:test';
import pg from 'pg';
import { startPgBouncer, type TestPgBouncer } from '../../support/helpers/bouncedPostgres.js';
import { startPostgres, withClient, type TestPostgres } from '../../support/helpers/postgres.js';

const cluster = await startPostgres();
// One server connection: every client of the bouncer shares the same backend, so what is held by the
// backend rather than by the client shows deterministically.
const bouncer = 'skip' in cluster ? cluster : await startPgBouncer(cluster, { poolSize: 1 });
const skip = 'skip' in bouncer ? bouncer.skip : false;
const pgb = bouncer as TestPgBouncer;
const server = cluster as TestPostgres;
after(async () => {
  if ('stop' in bouncer) await bouncer.stop();
  if ('stop' in cluster) await cluster.stop();
});

async function clients(count: number, url: string): Promise<pg.Client[]> {
  const made = Array.from({ length: count }, () => new pg.Client({ connectionString: url }));
  await Promise.all(made.map((c) => c.connect()));
  return made;
}
const endAll = (list: pg.Client[]) => Promise.all(list.map((c) => c.end()));
const backendPid = async (c: pg.Client) => Number((await c.query('select pg_backend_pid() as pid')).rows[0].pid);

/** Resolves once `pattern` has appeared `times` times in the file, or fails after 10 s. */
async function logged(file: string, pattern: RegExp, times: number): Promise<void> {
  const deadline = Date.now() + 10_000;
  const count = () => (readFileSync(file, 'utf8').match(new RegExp(pattern, 'g')) ?? []).length;
  while (count() < times) {
    if (Date.now() > deadline) assert.fail(`${pattern} logged ${count()} times, not ${times}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('test PgBouncer (real pgbouncer in front of the test cluster)', { skip }, () => {
  test('it says it pools by transaction, and forwards to the test database', async () => {
    const [admin] = await clients(1, pgb.adminUrl);
    try {
      const config = (await admin!.query('SHOW CONFIG')).rows as { key: string; value: string }[];
      assert.equal(config.find((row) => row.key === 'pool_mode')?.value, 'transaction');
    } finally {
      await endAll([admin!]);
    }
    const through = await withClient(
      pgb.url,
      async (c) => (await c.query('select current_database() as db')).rows[0].db,
    );
    assert.equal(through, new URL(server.url).pathname.slice(1));
  });

  test('two connected clients share one backend, so a session lock taken by one is held for the other', async () => {
    const [a, b] = await clients(2, pgb.url);
    const [direct] = await clients(1, server.url);
    try {
      // In session mode b would wait for a to disconnect; in transaction mode both run at once.
      assert.equal(await backendPid(a!), await backendPid(b!));
      await a!.query('select pg_advisory_lock(4242)');
      // b never asked for the lock, yet its statement runs on the backend that holds it (re-entrant).
      assert.equal((await b!.query('select pg_try_advisory_lock(4242) as got')).rows[0].got, true);
      assert.equal((await direct!.query('select pg_try_advisory_lock(4242) as got')).rows[0].got, false);
      // Unlocking from b releases a's lock, twice taken, twice given back: a no longer holds anything.
      await b!.query('select pg_advisory_unlock(4242), pg_advisory_unlock(4242)');
      assert.equal((await direct!.query('select pg_try_advisory_lock(4242) as got')).rows[0].got, true);
      await direct!.query('select pg_advisory_unlock(4242)');
      // A transaction-scoped lock is the safe kind here: it ends with the transaction that took it.
      await a!.query('begin');
      await a!.query('select pg_advisory_xact_lock(4343)');
      assert.equal((await direct!.query('select pg_try_advisory_lock(4343) as got')).rows[0].got, false);
      await a!.query('commit');
      assert.equal((await direct!.query('select pg_try_advisory_lock(4343) as got')).rows[0].got, true);
    } finally {
      await endAll([a!, b!, direct!]);
    }
  });

  test('LISTEN succeeds but NOTIFY never reaches the client: the bouncer drops it, and the backend stays listening for others', async () => {
    const [listener, other] = await clients(2, pgb.url);
    const [direct, control] = await clients(2, server.url);
    const heard: string[] = [];
    listener!.on('notification', (n) => heard.push(`listener:${n.payload}`));
    other!.on('notification', (n) => heard.push(`other:${n.payload}`));
    const controlHeard: string[] = [];
    control!.on('notification', (n) => controlHeard.push(n.payload ?? ''));
    try {
      assert.equal((await listener!.query('LISTEN dw_channel')).command, 'LISTEN'); // no error, no warning
      await control!.query('LISTEN dw_channel');
      const dropped = /got packet 'A' from server when not linked/;
      for (const [n, payload] of ['one', 'two'].entries()) {
        await direct!.query('select pg_notify($1, $2)', ['dw_channel', payload]);
        // The bouncer logs each notification it throws away; wait for that, then give both bouncer
        // clients a round trip on the backend that received it.
        await logged(pgb.logFile, dropped, n + 1);
        await listener!.query('select 1');
        await other!.query('select 1');
      }
      assert.deepEqual(heard, [], 'no client of the bouncer hears a notification');
      assert.ok(controlHeard.includes('two'), 'a direct listener hears every one');
      // The LISTEN outlives the statement on the shared backend: another client now "listens" too.
      const channels = await other!.query('select pg_listening_channels() as ch');
      assert.deepEqual(channels.rows, [{ ch: 'dw_channel' }]);
      await other!.query('UNLISTEN *');
    } finally {
      await endAll([listener!, other!, direct!, control!]);
    }
  });

  test('a test process killed with SIGKILL leaves no pgbouncer behind', async () => {
    const helper = new URL('../../support/helpers/bouncedPostgres.js', import.meta.url).href;
    const script = `const { startPgBouncer } = await import(${JSON.stringify(helper)});
      const b = await startPgBouncer(${JSON.stringify({ port: server.port, password: server.password, url: server.url })});
      console.log(JSON.stringify({ pid: b.pid, dir: b.dir }));
      setInterval(() => {}, 1000);`;
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const line = await new Promise<string>((resolve) => child.stdout.once('data', (d) => resolve(String(d))));
    const { pid, dir } = JSON.parse(line) as { pid: number; dir: string };
    const alive = () => {
      try {
        process.kill(pid, 0);
        return readFileSync(`/proc/${pid}/stat`, 'utf8').split(' ')[2] !== 'Z';
      } catch {
        return false;
      }
    };
    assert.ok(alive(), 'the bouncer runs while its test process does');
    child.kill('SIGKILL');
    const deadline = Date.now() + 5000;
    while ((alive() || existsSync(dir)) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    assert.equal(alive(), false, 'the watchdog ends the bouncer');
    assert.equal(existsSync(dir), false, 'and removes its folder');
  });
});
