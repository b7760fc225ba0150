// One contract both stores pass (README: the store): what src/store/statusStore.ts promises, asked of the
// file store always and of the team store (PostgreSQL through PgBouncer, transaction mode) where a cluster
// starts; in CI=true a cluster that cannot start fails the file, never skips it. A third store is one class
// in src/store/ and one `storeContract(...)` line at the end of this file.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { describe, it, type TestContext } from 'node:test';
import { FileStatusStore } from '../../src/store/files/fileStatusStore.js';
import { PgStatusStore } from '../../src/store/postgres/pgStatusStore.js';
import { finalRecord, newRecord, type StatusRecord } from '../../src/store/statusRecord.js';
import { LeaseLostError, type StatusStore } from '../../src/store/statusStore.js';
import { bouncedPostgres } from '../../support/helpers/bouncedPostgres.js';
import { withClient } from '../../support/helpers/postgres.js';
import { makeTempDir } from '../../support/helpers/repo.js';

/** A store made for one test, and what the contract cannot ask through the interface. */
interface StoreUnderTest {
  store: StatusStore;
  /** Another process on the same store (another machine, for a team store). */
  another(): StatusStore;
  /** Damages the commit's record the way this store's records can be damaged (a bad file, a bad row). */
  damage(sha: string): Promise<void>;
  /** The lease admits one holder and fences its writes by epoch; false where the watcher's claim does that. */
  exclusiveLease: boolean;
  close(): Promise<void>;
}

type MakeStore = () => Promise<StoreUnderTest | { skip: string }>;

const SHA = (n: number) => n.toString(16).padStart(40, 'c');
const DAY_MS = 24 * 60 * 60 * 1000;
const holder = (pid: number) => ({ pid, host: `host-${pid}`, startedAt: new Date().toISOString() });

function record(sha: string, fields: Partial<StatusRecord> = {}): StatusRecord {
  return newRecord({ sha, branch: 'main', remote: 'origin', pid: 4242, ...fields }, new Date().toISOString());
}

function outcome(sha: string, state: 'success' | 'failed' = 'success'): StatusRecord {
  return finalRecord(record(sha), state, null, new Date().toISOString());
}

/** Asks `attempt` again every 50 ms until it answers (a condition, not a guessed sleep), for at most 10 s. */
async function eventually<T>(what: string, attempt: () => Promise<T | null>): Promise<T> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const answer = await attempt();
    if (answer !== null) return answer;
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

export function storeContract(name: string, makeStore: MakeStore): void {
  describe(`the store contract: ${name}`, () => {
    /** Runs `body` on a fresh store, closed after; skipped (outside CI) when the store cannot be had here. */
    const withStore = (body: (s: StoreUnderTest) => Promise<void>) => async (t: TestContext) => {
      const made = await makeStore();
      if ('skip' in made) return t.skip(made.skip);
      try {
        await body(made);
      } finally {
        await made.close();
      }
    };

    it(
      'a record written is read back as written, by this process and by another on the same store',
      withStore(async ({ store, another }) => {
        const first = record(SHA(1));
        await store.write(first);
        assert.deepEqual(await store.read(SHA(1)), { status: 'ok', record: first });
        const done = outcome(SHA(1), 'failed');
        await store.write(done);
        assert.deepEqual(await store.read(SHA(1)), { status: 'ok', record: done }, 'a write replaces the record');
        assert.deepEqual(await another().read(SHA(1)), { status: 'ok', record: done });
      }),
    );

    it(
      'a commit never written is missing; a damaged record is corrupt, naming where and why',
      withStore(async ({ store, damage }) => {
        assert.deepEqual(await store.read(SHA(2)), { status: 'missing' });
        await store.write(record(SHA(3)));
        await damage(SHA(3));
        const read = await store.read(SHA(3));
        assert.equal(read.status, 'corrupt');
        if (read.status !== 'corrupt') return;
        assert.ok(read.file.includes(SHA(3)), `names the record: ${read.file}`);
        assert.ok(read.reason.length > 0, 'says why');
      }),
    );

    it(
      'listShas names every commit recorded; inProgress returns only the records still in progress',
      withStore(async ({ store }) => {
        assert.deepEqual(await store.listShas(), []);
        assert.deepEqual(await store.inProgress(), []);
        await store.write(record(SHA(4), { state: 'pending' }));
        await store.write(record(SHA(5), { state: 'building' }));
        await store.write(record(SHA(6), { state: 'deploying' }));
        await store.write(outcome(SHA(7)));
        assert.deepEqual((await store.listShas()).sort(), [SHA(4), SHA(5), SHA(6), SHA(7)]);
        const running = await store.inProgress();
        assert.deepEqual(running.map((r) => r.sha).sort(), [SHA(4), SHA(5), SHA(6)]);
        assert.deepEqual(running.find((r) => r.sha === SHA(5))?.state, 'building');
      }),
    );

    it(
      'recent, where the store answers it in one go, is the newest records by start, newest first',
      withStore(async ({ store }) => {
        if (!store.recent) return; // optional: callers read listShas + read instead (history.ts)
        const at = (minute: number) => `2026-01-01T00:0${minute}:00.000Z`;
        for (const [n, minute] of [
          [20, 2],
          [21, 5],
          [22, 3],
        ] as const)
          await store.write(newRecord({ sha: SHA(n), branch: 'main', remote: 'origin' }, at(minute)));
        const recent = await store.recent(2);
        assert.deepEqual(
          recent.map((entry) => entry.sha),
          [SHA(21), SHA(22)],
        );
        assert.equal(recent[0]?.read.status, 'ok');
      }),
    );

    it(
      'settingsKey, where the store keeps one, is the same key for every process of the store',
      withStore(async ({ store, another }) => {
        if (!store.settingsKey) return; // a team store has none: its poller serves the whole team
        const key = store.settingsKey();
        assert.equal(key.length, 32);
        assert.deepEqual(store.settingsKey(), key);
        assert.deepEqual(another().settingsKey?.(), key);
      }),
    );

    it(
      'a log saved is read back by its last lines; a second save replaces it; no log is null',
      withStore(async ({ store }) => {
        assert.equal(await store.tailLog(SHA(8), 10), null);
        await store.writeLog(SHA(8), 'one\ntwo\nthree\n');
        assert.deepEqual(await store.tailLog(SHA(8), 2), ['two', 'three']);
        assert.deepEqual(await store.tailLog(SHA(8), 10), ['one', 'two', 'three']);
        await store.writeLog(SHA(8), 'four\n');
        assert.deepEqual(await store.tailLog(SHA(8), 10), ['four']);
        assert.match(store.logLocation(SHA(8)), new RegExp(SHA(8).slice(0, 12)));
        assert.ok(store.location.length > 0);
      }),
    );

    it(
      'a follow request is listed with who sent it, answered by isFollowRequested, and gone once dropped',
      withStore(async ({ store, another }) => {
        assert.deepEqual(await store.followRequests(), []);
        assert.equal(await store.isFollowRequested(SHA(9)), false);
        const request = {
          sha: SHA(9),
          branch: 'main',
          remote: 'origin',
          requestedAt: new Date().toISOString(),
          pushedBy: 'alice',
          host: 'laptop',
        };
        await store.requestFollow(request);
        const listed = await another().followRequests();
        assert.deepEqual(
          listed.map(({ sha, branch, remote, requestedAt, pushedBy, host }) => ({
            sha,
            branch,
            remote,
            requestedAt,
            pushedBy,
            host,
          })),
          [request],
        );
        assert.equal(await store.isFollowRequested(SHA(9)), true);
        assert.equal(await store.isFollowRequested(SHA(10)), false);
        await another().dropFollowRequest(SHA(9));
        assert.equal(await store.isFollowRequested(SHA(9)), false);
        assert.deepEqual(await store.followRequests(), []);
      }),
    );

    it(
      'a stop request is listed with its reason, the latest reason wins, and it is gone once dropped',
      withStore(async ({ store, another }) => {
        assert.deepEqual(await store.stopRequests(), []);
        await store.requestStop(SHA(11), 'stopped by alice');
        await store.requestStop(SHA(11), 'stopped by bob');
        await store.requestStop(SHA(12), 'superseded');
        const listed = await another().stopRequests();
        assert.deepEqual(
          listed.sort((a, b) => a.sha.localeCompare(b.sha)),
          [
            { sha: SHA(11), reason: 'stopped by bob' },
            { sha: SHA(12), reason: 'superseded' },
          ],
        );
        await store.dropStopRequest(SHA(11));
        assert.deepEqual(await store.stopRequests(), [{ sha: SHA(12), reason: 'superseded' }]);
      }),
    );

    it(
      'the polling lease: taken, renewed, released; where it is exclusive a second holder waits and a taken-over holder is fenced',
      withStore(async ({ store, another, exclusiveLease }) => {
        const lease = await store.acquirePolling(holder(101), 30_000);
        assert.ok(lease, 'a free lease is taken');
        assert.equal(await lease.renew(), true, 'its holder renews it');
        await store.write(record(SHA(13), { state: 'building' }));
        assert.equal((await store.read(SHA(13))).status, 'ok', 'its holder writes');
        if (!exclusiveLease) return lease.release();
        const second = another();
        assert.equal(await second.acquirePolling(holder(102), 30_000), null, 'held: a second holder is refused');
        const poller = await second.poller();
        assert.equal(poller?.pid, 101, 'everyone sees who holds it');
        assert.equal(poller?.liveness, 'alive');
        await lease.release();
        const next = await second.acquirePolling(holder(102), 30_000);
        assert.ok(next, 'released: the next holder takes it at once');
        assert.ok(next.epoch > lease.epoch, `a new epoch (${lease.epoch} then ${next.epoch})`);
        assert.equal(await lease.renew(), false, 'the old holder learns that it lost the lease');
        await next.release();

        // A holder paused past its lease (a frozen VM, a cut network): taken over, then fenced out.
        const paused = await store.acquirePolling(holder(101), 200);
        assert.ok(paused);
        const taker = await eventually('the short lease to expire', () => second.acquirePolling(holder(102), 30_000));
        assert.ok(taker.epoch > paused.epoch);
        await assert.rejects(store.write(outcome(SHA(13), 'failed')), LeaseLostError, 'the old epoch writes nothing');
        assert.equal(await paused.renew(), false);
        await second.write(outcome(SHA(13)));
        const read = await store.read(SHA(13));
        assert.equal(read.status === 'ok' && read.record.state, 'success', "the new holder's outcome stands");
        await taker.release();
      }),
    );

    it(
      'removeOlderThan removes outcomes older than the limit with their logs, a dry run removes nothing, a fresh one stays',
      withStore(async ({ store }) => {
        await store.write(outcome(SHA(14)));
        await store.writeLog(SHA(14), 'built\n');
        const now = Date.now();
        const fresh = await store.removeOlderThan(DAY_MS, now, false);
        assert.deepEqual(fresh.removed, [], 'younger than the limit: kept');
        const later = now + 2 * DAY_MS;
        const dry = await store.removeOlderThan(DAY_MS, later, true);
        assert.ok(
          dry.removed.some((entry) => entry.includes(SHA(14))),
          `a dry run says what would go: ${dry.removed}`,
        );
        assert.equal((await store.read(SHA(14))).status, 'ok', 'a dry run removes nothing');
        const wet = await store.removeOlderThan(DAY_MS, later, false);
        assert.deepEqual(wet.removed, dry.removed, 'what the dry run said is what goes');
        assert.deepEqual(await store.read(SHA(14)), { status: 'missing' });
        assert.equal(await store.tailLog(SHA(14), 10), null, 'its log went with it');
        assert.deepEqual(await store.listShas(), []);
      }),
    );

    it(
      'the watcher: one claim at a time, registered while held; one start at a time; one hand-over turn per commit',
      withStore(async ({ store }) => {
        assert.equal(await store.watcher(), null, 'none registered on a fresh store');
        assert.deepEqual(await store.removeStale(Date.now()), [], 'nothing stale on a fresh store');
        const startedAt = new Date().toISOString();
        const claim = await store.claimWatcher(process.pid, startedAt, () => undefined);
        assert.ok(claim, 'a free claim is taken');
        assert.deepEqual(await store.watcher(), { pid: process.pid, startedAt, liveness: 'alive' });
        assert.equal(await store.claimWatcher(process.ppid, startedAt, () => undefined), null, 'held by a live one');
        await claim.retire();
        assert.equal(await store.watcher(), null, 'retired: off the register');
        await claim.reinstate();
        assert.equal((await store.watcher())?.pid, process.pid, 'reinstated');
        await claim.release();
        assert.equal(await store.watcher(), null, 'released');

        assert.equal(await store.beginWatcherStart(), true, 'the first asker starts a watcher');
        assert.equal(await store.beginWatcherStart(), false, 'the next one leaves it to that start');

        const turn = await store.handOverTurn(SHA(15), 0);
        assert.ok(turn, 'a free turn is taken');
        assert.equal(await store.handOverTurn(SHA(15), 0), null, 'taken: the next asker waits');
        assert.ok(await store.handOverTurn(SHA(16), 0), 'another commit has a turn of its own');
        await turn.release();
        assert.ok(await store.handOverTurn(SHA(15), 0), 'released: the next asker has it');
      }),
    );
  });
}

// --- the stores ------------------------------------------------------------------------------------------

storeContract('files', async () => {
  const dir = makeTempDir('dw-contract-');
  const store = new FileStatusStore(dir);
  return {
    store,
    another: () => new FileStatusStore(dir),
    damage: async (sha) => writeFileSync(store.paths(sha).record, '{ not json'),
    exclusiveLease: false,
    close: async () => undefined,
  };
});

const db = bouncedPostgres();
let schemas = 0;
storeContract('PostgreSQL through PgBouncer', async () => {
  if (db.skip) return { skip: db.skip };
  schemas += 1;
  const schema = `dw_contract${schemas}_${process.pid}`;
  const machine = () =>
    new PgStatusStore({
      stateDir: makeTempDir('dw-contract-pg-'),
      settings: async () => ({ url: db.bouncer!.url, schema, project: 'do:contract' }),
      host: 'contract-host',
      pushedBy: 'contract',
      warn: (message) => assert.fail(`the database was reachable: ${message}`),
    });
  const store = machine();
  const others: PgStatusStore[] = [];
  return {
    store,
    another: () => {
      const other = machine();
      others.push(other);
      return other;
    },
    damage: (sha) =>
      withClient(db.pg!.url, (client) =>
        client.query(`update ${schema}.records set record = '{"version": 99}' where sha = $1`, [sha]),
      ).then(() => undefined),
    exclusiveLease: true,
    close: async () => {
      await Promise.all([store, ...others].map((s) => s.close()));
    },
  };
});
