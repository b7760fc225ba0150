// Answers from any machine in team mode: check --wait woken by NOTIFY on a direct connection and polling
// through PgBouncer, check --all with who pushed from where, watch and logs of a commit another machine
// pushed, and manage status naming the host that polls. Real PostgreSQL, real PgBouncer, the built CLI.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { evaluate } from '../../src/core/outcome.js';
import { finalRecord, newRecord, type StatusRecord } from '../../src/core/statusRecord.js';
import type { PollingLease } from '../../src/core/statusStore.js';
import { waitForOutcome } from '../../src/core/waitForOutcome.js';
import { realClock } from '../../src/core/clock.js';
import { PgStatusStore } from '../../src/team/pgStatusStore.js';
import { NOTIFIED_POLL_MS, POLLED_MS } from '../../src/team/recordFeed.js';
import { bouncedPostgres } from '../helpers/pgbouncer.js';
import { makeTempDir } from '../helpers/repo.js';
import { teamWorld, type TeamWorld } from './teamWorld.js';

const db = bouncedPostgres();
let schemas = 0;
const freshSchema = () => `dw_a${++schemas}_${process.pid}`;
const PROJECT = 'do:app-1';

/** A store as one machine's process sees it. */
function storeOn(url: string, schema: string, opts: { listenUrl?: string; host?: string } = {}): PgStatusStore {
  return new PgStatusStore({
    stateDir: makeTempDir('dw-answers-'),
    warn: () => undefined,
    host: opts.host ?? 'machine-0',
    pushedBy: 'agent-0',
    settings: async () => ({ url, listenUrl: opts.listenUrl ?? null, schema, project: PROJECT }),
  });
}

/**
 * The team's poller, played by the test on machine-0: it holds the lease and writes the records, so the
 * test decides the moment an outcome is written.
 */
async function playPoller(url: string, schema: string) {
  const store = storeOn(url, schema);
  const lease: PollingLease | null = await store.acquirePolling(
    { pid: process.pid, host: 'machine-0', startedAt: new Date().toISOString() },
    60_000,
  );
  assert.ok(lease, 'the test holds the lease');
  return {
    store,
    async building(sha: string, fields: Partial<StatusRecord> = {}): Promise<StatusRecord> {
      const record = newRecord(
        {
          sha,
          branch: 'main',
          remote: 'origin',
          state: 'building',
          source: 'digitalocean',
          pid: process.pid,
          host: 'machine-0',
          pushedBy: 'agent-0',
          pushedFrom: 'machine-0',
          ...fields,
        },
        new Date().toISOString(),
      );
      await store.write(record);
      return record;
    },
    async end(record: StatusRecord, state: 'success' | 'failed', extra: Partial<StatusRecord> = {}) {
      const now = new Date().toISOString();
      await store.write(finalRecord(record, state, null, now, extra));
      return Date.now();
    },
    close: () => store.close(),
  };
}

describe('team mode: check --wait is woken by NOTIFY where it can be, else polls', () => {
  it('a direct connection notifies, PgBouncer in transaction mode does not (polled), a listen URL beside it does', async (t) => {
    if (db.skip) return t.skip(db.skip);
    const schema = freshSchema();
    const direct = storeOn(db.pg!.url, schema);
    const bounced = storeOn(db.bouncer!.url, schema);
    const beside = storeOn(db.bouncer!.url, schema, { listenUrl: db.pg!.url });
    try {
      const feeds = await Promise.all([direct, bounced, beside].map((s) => s.recordFeed('a'.repeat(40))));
      assert.deepEqual(
        feeds.map((f) => [f.notified, f.pollMs]),
        [
          [true, NOTIFIED_POLL_MS],
          [false, POLLED_MS],
          [true, NOTIFIED_POLL_MS],
        ],
      );
      await Promise.all(feeds.map((f) => f.close()));
    } finally {
      await Promise.all([direct, bounced, beside].map((s) => s.close()));
    }
  });

  it('a notified wait wakes on the write itself, long before its safety poll, and on writes made through the bouncer', async (t) => {
    if (db.skip) return t.skip(db.skip);
    const schema = freshSchema();
    const poller = await playPoller(db.bouncer!.url, schema);
    const waiter = storeOn(db.pg!.url, schema, { host: 'machine-1' });
    try {
      const sha = 'b'.repeat(40);
      const record = await poller.building(sha);
      assert.equal((await evaluate(waiter, sha)).outcome, 'in_progress');
      const waiting = waitForOutcome(waiter, sha, 30_000, realClock);
      // Two writes in quick succession: the second may land while the waiter reads after the first.
      await new Promise((r) => setTimeout(r, 300));
      await poller.store.write({ ...record, phase: 'DEPLOYING', state: 'deploying' });
      const writtenAt = await poller.end(record, 'success');
      const answer = await waiting;
      const lag = Date.now() - writtenAt;
      t.diagnostic(`notified wait returned ${lag} ms after the write`);
      assert.equal(answer.outcome, 'success');
      assert.ok(lag < 500, `${lag} ms (the safety poll is ${NOTIFIED_POLL_MS} ms)`);
    } finally {
      await poller.close();
      await waiter.close();
    }
  });

  for (const via of ['direct', 'bouncer'] as const) {
    it(`check --wait on a machine that never pushed, ${via === 'direct' ? 'direct connection (NOTIFY)' : 'through PgBouncer (polled)'}: exits within 1 s of the outcome being written`, async (t) => {
      if (db.skip) return t.skip(db.skip);
      const schema = freshSchema();
      const url = via === 'direct' ? db.pg!.url : db.bouncer!.url;
      const w = await team(url, schema, 2);
      const poller = await playPoller(url, schema);
      try {
        const lags: number[] = [];
        for (const sha of w.shas) {
          const record = await poller.building(sha);
          let exitedAt = 0;
          const waited = w.machines[1]!.dw('check', sha, '--wait', '30', '--json').then((r) => {
            exitedAt = Date.now();
            return r;
          });
          // Long enough for the check to start, open its feed and settle into waiting.
          await new Promise((r) => setTimeout(r, 1_500));
          assert.equal(exitedAt, 0, 'check is still waiting before the outcome is written');
          const writtenAt = await poller.end(record, 'success');
          const result = await waited;
          assert.equal(result.code, 0, result.stderr);
          assert.equal(JSON.parse(result.stdout).outcome, 'success');
          lags.push(exitedAt - writtenAt);
        }
        t.diagnostic(`${via}: check --wait exited ${lags.join(', ')} ms after the outcome was written`);
        for (const lag of lags) assert.ok(lag < 1_000, `${lag} ms`);
      } finally {
        await poller.close();
        await w.close();
      }
    });
  }
});

/** Machines sharing `url`'s store, no deployments on the fake API (the test writes the records). */
function team(url: string, schema: string, commits: number, machines = 2): Promise<TeamWorld> {
  return teamWorld({ machines, commits, storeUrl: url, schema, deployments: () => [] });
}
