// The database source against a real PostgreSQL (a private cluster started by the helper).
import assert from 'node:assert/strict';
import { connect, createServer, type AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { batchedQuery } from '../../src/sources/batchedQuery.js';
import { createDatabaseSource } from '../../src/sources/database.js';
import type { Observation } from '../../src/sources/source.js';
import { startPostgres, withClient, type TestPostgres } from '../../support/helpers/postgres.js';

const started = await startPostgres();
const skip = 'skip' in started ? started.skip : false;
const server = started as TestPostgres;
after(() => ('stop' in started ? started.stop() : undefined));

const SHA = 'a'.repeat(40);
const QUERY = 'select status from deployments where commit_sha = $1 order by created_at desc limit 1';
const STATES = { success: ['deployed'], failed: ['failed', 'rolled_back'] };
const source = (over: Partial<Parameters<typeof createDatabaseSource>[0]> = {}) =>
  createDatabaseSource({ databaseUrl: server.url, query: QUERY, states: STATES, timeoutMs: 2000, ...over });

async function observeOnce(
  over: Partial<Parameters<typeof createDatabaseSource>[0]> = {},
  sha = SHA,
): Promise<Observation> {
  const src = source(over);
  try {
    return await src.observe({ sha, branch: 'main' });
  } finally {
    await src.close?.();
  }
}

const statesOf = (seen: Observation[]) =>
  seen.map((o) => (o.kind === 'state' ? [o.state, o.phase] : [o.kind, o.reason]));
/** What commits 1…4 of the seeded table answer. */
const SEEDED_STATES = [
  ['success', 'deployed'],
  ['failed', 'failed'],
  ['deploying', 'migrating'],
  ['success', 'deployed'],
];

function assertUnavailable(obs: Observation, permanent: boolean, pattern: RegExp): string {
  assert.equal(obs.kind, 'unavailable', JSON.stringify(obs));
  if (obs.kind !== 'unavailable') throw new Error('unreachable');
  assert.equal(obs.permanent === true, permanent, obs.reason);
  assert.match(obs.reason, pattern);
  assert.doesNotMatch(obs.reason, new RegExp(server.password), 'the password must never appear');
  return obs.reason;
}

describe('batchedQuery (no server)', () => {
  test('replaces $1 only where it is a parameter, and refuses what it cannot rewrite safely', () => {
    const q = batchedQuery(
      'select status, \'$1\' as lit, "$1" from t /* $1 */ where c = $1 and d = $tag$ $1 $tag$ -- $1\n and e = $1::text;',
    );
    assert.ok(q, 'batchable');
    assert.ok(
      q!.includes(
        `'$1' as lit, "$1" from t /* $1 */ where c = w.sha and d = $tag$ $1 $tag$ -- $1\n and e = w.sha::text\n)`,
      ),
      q!,
    );
    assert.equal(batchedQuery('select 1 where a = $1 and b = $2'), null, 'another parameter');
    assert.equal(batchedQuery('select 1 where a = $1; drop table t'), null, 'a second statement');
    assert.equal(batchedQuery("select 1 where a = '$1"), null, 'an unterminated string');
    assert.equal(batchedQuery('select 1'), null, 'no $1 at all');
    assert.equal(batchedQuery('select 1 where a = $10'), null, '$10 is not $1');
  });
});

describe('database source', { skip }, () => {
  before(async () => {
    await withClient(server.url, async (c) => {
      await c.query(
        'create table deployments (id serial, commit_sha text not null, status text, created_at timestamptz not null default now())',
      );
      const rows: [string, string | null, string][] = [
        ['1'.repeat(40), 'deployed', '2026-01-01'],
        ['2'.repeat(40), 'failed', '2026-01-01'],
        ['3'.repeat(40), 'migrating', '2026-01-01'],
        ['4'.repeat(40), 'failed', '2026-01-01'],
        ['4'.repeat(40), 'deployed', '2026-01-02'], // the newest row wins
        ['5'.repeat(40), null, '2026-01-01'],
        ["x' or '1'='1", 'deployed', '2026-01-01'],
      ];
      for (const row of rows)
        await c.query('insert into deployments (commit_sha, status, created_at) values ($1, $2, $3)', row);
    });
  });

  test('maps success, failed, another value and no row to states', async () => {
    const seen = await Promise.all(['1', '2', '3', '4', '5', '6'].map((d) => observeOnce({}, d.repeat(40))));
    assert.deepEqual(statesOf(seen), [...SEEDED_STATES, ['pending', null], ['pending', null]]);
  });

  test('reads a column named status wherever it is, or else the first column', async () => {
    const named = await observeOnce({ query: "select 'x' as other, 'deployed' as status where $1::text is not null" });
    assert.deepEqual(named.kind === 'state' && [named.state, named.phase], ['success', 'deployed']);
    const first = await observeOnce({
      query: "select 'rolled_back'::char(20) as state, 1 as n where $1::text is not null",
    });
    assert.deepEqual(first.kind === 'state' && [first.state, first.phase], ['failed', 'rolled_back']);
  });

  test('the sha is bound as a parameter: hostile text cannot inject', async () => {
    const hostile = await observeOnce({}, "' or '1'='1");
    assert.deepEqual(hostile.kind === 'state' && hostile.state, 'pending');
    const literal = await observeOnce({}, "x' or '1'='1");
    assert.deepEqual(literal.kind === 'state' && literal.state, 'success', 'the exact text matches its own row only');
    const drop = await observeOnce({}, "'); drop table deployments; --");
    assert.equal(drop.kind === 'state' && drop.state, 'pending');
    const still = await observeOnce({}, '1'.repeat(40));
    assert.equal(still.kind === 'state' && still.state, 'success', 'the table is still there');
  });

  test('reuses one connection across polls and close() ends it', async () => {
    const src = source({ query: 'select pg_backend_pid()::text where $1::text is not null' });
    const pids: (string | null)[] = [];
    for (let i = 0; i < 3; i++) {
      const obs = await src.observe({ sha: SHA, branch: null });
      pids.push(obs.kind === 'state' ? obs.phase : obs.reason);
    }
    assert.equal(new Set(pids).size, 1, `one backend for every poll: ${pids.join(', ')}`);
    await src.close?.();
    const alive = await withClient(server.url, (c) =>
      c.query('select count(*)::int as n from pg_stat_activity where pid = $1', [Number(pids[0])]),
    );
    assert.equal(alive.rows[0].n, 0, 'the backend is gone after close()');
  });

  test('a slow query is cut off by the timeout', async () => {
    const began = performance.now();
    const obs = await observeOnce({ query: 'select pg_sleep(5)::text where $1::text is not null', timeoutMs: 300 });
    const took = performance.now() - began;
    assertUnavailable(obs, false, /did not answer within 300 ms/);
    assert.ok(took < 2000, `answered in ${Math.round(took)} ms`);
  });

  test('a server that accepts but never speaks is cut off while connecting', async () => {
    const silent = createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    try {
      const port = (silent.address() as AddressInfo).port;
      const began = performance.now();
      const obs = await observeOnce({
        databaseUrl: server.url.replace(`:${server.port}/`, `:${port}/`),
        timeoutMs: 300,
      });
      assertUnavailable(obs, false, /did not answer within 300 ms while connecting/);
      assert.ok(performance.now() - began < 2000);
    } finally {
      silent.close();
    }
  });

  test('a connection the server dropped between polls is replaced at the next poll', async () => {
    const src = source({ query: 'select pg_backend_pid()::text where $1::text is not null' });
    try {
      const first = await src.observe({ sha: SHA, branch: null });
      assert.equal(first.kind, 'state');
      await withClient(server.url, (c) =>
        c.query('select pg_terminate_backend($1::int)', [Number(first.kind === 'state' && first.phase)]),
      );
      const polls = [await src.observe({ sha: SHA, branch: null }), await src.observe({ sha: SHA, branch: null })];
      const last = polls[1]!;
      assert.equal(last.kind, 'state', JSON.stringify(polls));
      assert.notEqual(last.kind === 'state' && last.phase, first.kind === 'state' && first.phase, 'a new backend');
    } finally {
      await src.close?.();
    }
  });

  test('behind a PgBouncer-like pool that refuses statement_timeout at startup, it retries without it', async () => {
    const refused: string[] = [];
    // Real bytes to the real server, except a startup packet naming statement_timeout, which gets
    // PgBouncer's FATAL 08P01 answer.
    const proxy = createServer((client) => {
      let buffered = Buffer.alloc(0);
      const onData = (chunk: Buffer) => {
        buffered = Buffer.concat([buffered, chunk]);
        if (buffered.length < 4 || buffered.length < buffered.readInt32BE(0)) return;
        client.off('data', onData);
        if (buffered.includes('statement_timeout')) {
          refused.push('statement_timeout');
          const fields = Buffer.from('SFATAL\0VFATAL\0C08P01\0Munsupported startup parameter: statement_timeout\0\0');
          const head = Buffer.alloc(5);
          head.write('E');
          head.writeInt32BE(4 + fields.length, 1);
          client.end(Buffer.concat([head, fields]));
          return;
        }
        const upstream = connect(server.port, '127.0.0.1', () => upstream.write(buffered));
        client.pipe(upstream).pipe(client);
        upstream.on('error', () => client.destroy());
        client.on('error', () => upstream.destroy());
      };
      client.on('data', onData);
    });
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
    const port = (proxy.address() as AddressInfo).port;
    const src = source({ databaseUrl: server.url.replace(`:${server.port}/`, `:${port}/`) });
    try {
      const polls = [
        await src.observe({ sha: '1'.repeat(40), branch: null }),
        await src.observe({ sha: '2'.repeat(40), branch: null }),
      ];
      assert.deepEqual(
        polls.map((o) => (o.kind === 'state' ? o.state : o.reason)),
        ['success', 'failed'],
      );
      assert.deepEqual(refused, ['statement_timeout'], 'asked once, then never again');
    } finally {
      await src.close?.();
      proxy.close();
    }
  });

  test('SSL: an untrusted certificate is permanent and says how to trust it; no-verify encrypts', async () => {
    // pg 8 treats sslmode=require as verify-full, which is what DigitalOcean users meet first.
    const untrusted = await observeOnce({ databaseUrl: `${server.url}?sslmode=require` });
    assertUnavailable(untrusted, true, /certificate is not trusted \(self-signed certificate\).*sslrootcert=/);
    const query =
      "select case when ssl then 'deployed' else 'plain' end from pg_stat_ssl where pid = pg_backend_pid() and $1::text is not null";
    const encrypted = await observeOnce({ databaseUrl: `${server.url}?sslmode=no-verify`, query });
    assert.deepEqual(encrypted.kind === 'state' && [encrypted.state, encrypted.phase], ['success', 'deployed']);
    const noCa = await observeOnce({
      databaseUrl: `${server.url}?sslmode=verify-full&sslrootcert=/nonexistent/ca.crt`,
    });
    assertUnavailable(noCa, true, /DATABASE_URL .*a file it names cannot be read: ENOENT.*\/nonexistent\/ca\.crt/);
  });

  test('a Unix socket with no server behind it is unavailable, not permanent', async () => {
    const obs = await observeOnce({ databaseUrl: 'postgresql://postgres@/dw?host=/nonexistent-socket-dir' });
    assertUnavailable(obs, false, /Cannot reach the database: connect ENOENT \/nonexistent-socket-dir/);
  });

  test('a wrong password is permanent and never shows the password', async () => {
    const wrong = server.url.replace(server.password, 'Secr3t-wrong-pass');
    const obs = await observeOnce({ databaseUrl: wrong });
    const reason = assertUnavailable(
      obs,
      true,
      /refused the login \(password authentication failed for user "postgres"\).*DATABASE_URL/,
    );
    assert.doesNotMatch(reason, /Secr3t-wrong-pass/);
  });

  test('an unknown database is permanent and says to fix DATABASE_URL', async () => {
    const obs = await observeOnce({ databaseUrl: server.url.replace(/\/dw_test_\w+$/, '/no_such_db') });
    assertUnavailable(obs, true, /"no_such_db" does not exist.*DATABASE_URL/);
  });

  test('a missing table, a broken query and a query without $1 are permanent and name the fix', async () => {
    assertUnavailable(
      await observeOnce({ query: 'select status from nowhere where sha = $1' }),
      true,
      /relation "nowhere" does not exist.*database\.query/,
    );
    assertUnavailable(
      await observeOnce({ query: 'selec status from deployments where commit_sha = $1' }),
      true,
      /invalid: syntax error/,
    );
    assertUnavailable(await observeOnce({ query: 'select status from deployments' }), true, /does not use \$1/);
    // Asked as written, an untyped $1 is refused with the fix; asked for many commits at once, the sha's
    // column gives it a type (and the query works).
    const untyped = "select 'deployed' where $1 is not null";
    assert.equal(batchedQuery(`${untyped} and $2 is null`), null, 'a second parameter: asked as written');
    assertUnavailable(await observeOnce({ query: `${untyped} and $2::int is null` }), true, /Cast it: \$1::text/);
    const batched = await observeOnce({ query: untyped });
    assert.equal(batched.kind === 'state' && batched.state, 'success');
  });

  test('commits polled together are asked in one query, each getting its own answer', async () => {
    await withClient(server.url, (c) =>
      c.query(`create table asked (txid bigint);
        create function status_of(sha text) returns text language plpgsql as $fn$
        begin
          insert into asked values (txid_current());
          return (select status from deployments where commit_sha = sha order by created_at desc limit 1);
        end $fn$`),
    );
    const src = source({ query: "select status_of($1) as status -- one row per commit; '$1' in a comment stays" });
    try {
      const seen = await Promise.all(
        ['1', '2', '3', '4', '6'].map((d) => src.observe({ sha: d.repeat(40), branch: null })),
      );
      assert.deepEqual(statesOf(seen), [...SEEDED_STATES, ['pending', null]]);
      const asked = await withClient(server.url, (c) => c.query('select count(distinct txid)::int as n from asked'));
      assert.equal(asked.rows[0].n, 1, 'one statement answered all five');
    } finally {
      await src.close?.();
    }
  });

  test('a query that only fails rewritten (a column the text sha does not compare with) is asked once per commit', async () => {
    await withClient(server.url, async (c) => {
      await c.query('create table blobs (commit_sha bytea, status text)');
      await c.query("insert into blobs values ($1, 'deployed')", ['7'.repeat(40)]);
    });
    const src = source({ query: 'select status from blobs where commit_sha = $1' });
    try {
      const [found, missing] = await Promise.all(
        ['7', '8'].map((d) => src.observe({ sha: d.repeat(40), branch: null })),
      );
      assert.deepEqual(found?.kind === 'state' && [found.state, found.phase], ['success', 'deployed']);
      assert.equal(missing?.kind === 'state' && missing.state, 'pending');
    } finally {
      await src.close?.();
    }
  });

  test('a closed port is unavailable but worth retrying', async () => {
    const closed = server.url.replace(`:${server.port}/`, ':1/');
    assertUnavailable(await observeOnce({ databaseUrl: closed }), false, /Cannot reach the database: .*ECONNREFUSED/);
  });

  test('a malformed DATABASE_URL is a permanent, clear reason and no crash', async () => {
    for (const bad of ['not a url', 'mysql://u:pw1234@h/db', 'postgres://u:%E0%A4%A@h/db']) {
      const obs = await observeOnce({ databaseUrl: bad });
      const reason = assertUnavailable(obs, true, /DATABASE_URL is not a usable PostgreSQL connection string/);
      assert.doesNotMatch(reason, /pw1234|%E0/);
    }
  });
});
