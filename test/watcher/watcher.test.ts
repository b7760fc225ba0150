// The watcher engine on a driven clock: many commits on shared sources cost what one costs, a 429 holds
// them all, a stop request ends one and leaves the others, a signal ends them all, a dead watcher's
// commits are resumed where they stood, and an idle watcher leaves (or stays for a late request).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as msg from '../../src/kernel/messages.js';
import { newRecord } from '../../src/store/statusRecord.js';
import { dep, fleet, range, sha, T0 } from '../../support/worlds/fleet.js';

describe('the watcher (driven clock, fake DigitalOcean)', () => {
  it('ten and twenty commits in flight cost about what one costs: one list request per poll answers all', async () => {
    const one = await fleet([dep(0)], [sha(0)]);
    const twenty = await fleet(
      range(20).map((i) => dep(i)),
      range(20).map(sha),
    );
    assert.equal(one.summary.followed, 1);
    assert.equal(twenty.summary.followed, 20);
    assert.deepEqual(
      [...twenty.records.values()].map((r) => r.state),
      Array(20).fill('success'),
    );
    assert.ok(
      twenty.requests <= one.requests * 1.3,
      `${twenty.requests} requests for twenty vs ${one.requests} for one`,
    );
    assert.ok([...twenty.records.values()].every((r) => r.pid === null && r.finishedAt !== null));
  });

  it('a 429 answered for one commit holds the others until the reset instead of each hitting it', async () => {
    const ten = await fleet(
      range(10).map((i) => dep(i)),
      range(10).map(sha),
      {
        faults: [
          { match: 'deployments?page=1', status: 429, headers: { 'retry-after': '30' }, times: 1_000, until: 30_000 },
        ],
      },
    );
    assert.deepEqual(
      [...ten.records.values()].map((r) => r.state),
      Array(10).fill('success'),
    );
    assert.equal(ten.statuses.filter((s) => s === 429).length, 1);
  });

  it('a failed shared request backs the commits off once, not once per commit (no 60 s stall for ten)', async () => {
    const ten = await fleet(
      range(10).map((i) => dep(i)),
      range(10).map(sha),
      { faults: [{ match: 'deployments?page=1', status: 502, times: 1, from: 195_000 }] },
    );
    assert.equal(ten.statuses.filter((s) => s === 502).length, 1);
    for (const [i, s] of range(10).map(sha).entries()) {
      const record = ten.records.get(s)!;
      assert.equal(record.state, 'success');
      const late = Date.parse(record.finishedAt!) - (T0 + 200_000 + i * 1_000);
      assert.ok(late <= 20_000, `commit ${i} seen ${late} ms after it went live`);
    }
  });

  it('a stop request ends that commit within a tick (recorded stopped) and leaves the others followed', async () => {
    let stoppedAt = 0;
    const result = await fleet(
      range(3).map((i) => dep(i)),
      range(3).map(sha),
      {
        during: async ({ clock, store }) => {
          await clock.sleep(40_000);
          stoppedAt = clock.now();
          await store.requestStop(sha(1), msg.STOPPED_BY_USER);
        },
      },
    );
    const stopped = result.records.get(sha(1))!;
    assert.equal(stopped.state, 'stopped');
    assert.equal(stopped.message, msg.STOPPED_BY_USER);
    assert.ok(Date.parse(stopped.finishedAt!) - stoppedAt <= 1_000, 'within one tick of the request');
    assert.equal(result.records.get(sha(0))!.state, 'success');
    assert.equal(result.records.get(sha(2))!.state, 'success');
  });

  it('a signal ends every followed commit, each recorded stopped with its reason', async () => {
    const result = await fleet(
      range(4).map((i) => dep(i)),
      range(4).map(sha),
      {
        during: async ({ clock, abort }) => {
          await clock.sleep(30_000);
          abort('monitor stopped by SIGTERM');
        },
      },
    );
    assert.equal(result.summary.ended, 'signal');
    for (const r of result.records.values()) {
      assert.equal(r.state, 'stopped');
      assert.equal(r.message, 'monitor stopped by SIGTERM');
      assert.equal(r.pid, null);
    }
  });

  it("resumes a dead watcher's commit where it stood (its start, its polls), and leaves an expired one stale", async () => {
    const startedAt = new Date(T0 - 60_000).toISOString();
    const expired = sha(7);
    const result = await fleet([dep(0)], [], {
      seed: async (store) => {
        await store.write({
          ...newRecord({ sha: sha(0), branch: 'main', remote: 'origin', pid: 424_242 }, startedAt),
          state: 'building',
          polls: 7,
        });
        // Started longer ago than polling.timeout: past its deadline, so not resumed.
        await store.write({
          ...newRecord({ sha: expired, pid: 424_242 }, new Date(T0 - 3_600_000).toISOString()),
          state: 'building',
        });
        return 1;
      },
    });
    const resumed = result.records.get(sha(0))!;
    assert.equal(resumed.state, 'success');
    assert.equal(resumed.startedAt, startedAt, 'its start is kept: the timeout counts from the push');
    assert.ok(resumed.polls > 7, `polls go on from 7: ${resumed.polls}`);
    assert.equal(result.records.get(expired)!.pid, 424_242, 'left as it was: check calls it stale');
    assert.equal(result.summary.followed, 1);
  });

  it('a request for a commit it already follows is dropped, not followed twice', async () => {
    const result = await fleet([dep(0)], [sha(0)], {
      during: async ({ clock, store }) => {
        await clock.sleep(20_000);
        await store.requestFollow({ sha: sha(0), branch: 'main', remote: 'origin', requestedAt: '' });
      },
    });
    assert.equal(result.summary.followed, 1);
    assert.equal(result.records.get(sha(0))!.state, 'success');
  });

  it('leaves after the linger time with nothing in flight, and stays for a request that came while retiring', async () => {
    const idle = await fleet([], [], { run: { lingerMs: 10_000 } });
    assert.equal(idle.summary.ended, 'idle');
    assert.equal(idle.summary.followed, 0);
    assert.equal(idle.retired, 1);

    let late = false;
    const result = await fleet([dep(0)], [], {
      run: { lingerMs: 10_000 },
      claim: (store, clock) => ({
        // A hand-over lands between the watcher's last look and its leaving: it must not be lost.
        retire: async () => {
          if (late) return;
          late = true;
          clock.enter();
          await store.requestFollow({ sha: sha(0), branch: 'main', remote: 'origin', requestedAt: '' });
        },
      }),
    });
    assert.equal(result.summary.followed, 1);
    assert.equal(result.records.get(sha(0))!.state, 'success');
  });
});
