// How check tells a live watcher that makes no progress from one that polls (README: reliability): a real
// watcher stopped with SIGSTOP, asked through the built CLI, then resumed with SIGCONT; and the record's
// next-poll time, overdue by more than a poll can take, on a process that is not stopped.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, describe, it } from 'node:test';
import { STALL_SLACK_MS, stalled } from '../../src/core/outcome.js';
import { newRecord } from '../../src/core/statusRecord.js';
import { cliWorld, type CliWorld } from '../monitor/cliWorld.js';

interface CheckJson {
  outcome: string;
  exitCode: number;
  unknown: string | null;
  monitorPid: number | null;
  message: string;
  stall?: { pid: number; stopped: boolean; overdueMs: number | null };
}

const stateOf = (pid: number) => {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
};

describe('check: a frozen watcher', () => {
  const worlds: CliWorld[] = [];
  after(async () => {
    for (const w of worlds) await w.close();
  });

  it('a SIGSTOPped watcher: check exits 3 "frozen" naming kill -CONT; after SIGCONT it is in progress again', async (t) => {
    if (process.platform !== 'linux') return t.skip('reads the process state from /proc');
    const w = await cliWorld(
      (repo) => {
        const sha = repo.commit('slow build');
        repo.git('push', '-q', '--no-verify', 'origin', 'main');
        return { deployments: [{ id: 'd1', sha, phases: [[0, 'BUILDING']] }] };
      },
      { config: { polling: { fastInterval: 0.2, slowInterval: 0.2, timeout: 120 } } },
    );
    worlds.push(w);
    const sha = w.repo.git('rev-parse', 'HEAD');
    assert.equal((await w.dw('monitor', sha, '--detach')).code, 0);
    await w.waitFor('the deployment building on record', () => w.record(sha)?.state === 'building');
    const pid = w.watcherPid()!;
    const check = async () => JSON.parse((await w.dw('check', sha, '--json')).stdout) as CheckJson;
    assert.equal((await check()).exitCode, 2);

    process.kill(pid, 'SIGSTOP');
    try {
      await w.waitFor('the watcher stopped', () => stateOf(pid) === 'T');
      const frozen = await check();
      assert.equal(frozen.exitCode, 3, frozen.message);
      assert.equal(frozen.outcome, 'not_found');
      assert.equal(frozen.unknown, 'frozen');
      assert.deepEqual(frozen.stall?.pid, pid);
      assert.equal(frozen.stall?.stopped, true);
      assert.match(frozen.message, new RegExp(`alive but makes no progress.*stopped.*kill -CONT ${pid}`));
      assert.match(frozen.message, /manage stop [0-9a-f]{7}, then deploy-watch monitor [0-9a-f]{7} --detach/);
      const human = await w.dw('check', sha);
      assert.equal(human.code, 3);
      assert.match(human.stdout, /\? unknown .* last state building\n {2}The watcher for/);
    } finally {
      process.kill(pid, 'SIGCONT');
    }
    await w.waitFor('the watcher running', () => stateOf(pid) !== 'T');
    const resumed = await check();
    assert.equal(resumed.exitCode, 2, resumed.message);
    assert.equal(resumed.monitorPid, pid);
  });

  it('a record past its next poll by more than a poll can take reads frozen; within it, not', () => {
    const now = Date.parse('2026-01-01T12:00:00Z');
    const at = (ms: number) => new Date(now + ms).toISOString();
    const record = (nextPollBy: string | null) =>
      newRecord({ sha: 'a'.repeat(40), state: 'building', pid: process.pid, nextPollBy }, at(-120_000));
    // This test's own process runs (state R or S): only the record's age can tell.
    assert.equal(stalled(process.pid, record(at(-STALL_SLACK_MS + 1_000)), now), null);
    assert.equal(stalled(process.pid, record(at(5_000)), now), null);
    assert.equal(stalled(process.pid, record(null), now), null, 'an older record without the field: no guess');
    assert.deepEqual(stalled(process.pid, record(at(-STALL_SLACK_MS - 1_000)), now), {
      pid: process.pid,
      stopped: false,
      overdueMs: STALL_SLACK_MS + 1_000,
    });
  });
});
