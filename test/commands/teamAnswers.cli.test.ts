// Answers from any machine in team mode: check --wait woken by NOTIFY on a direct connection and polling
// through PgBouncer, check --all with who pushed from where, watch and logs of a commit another machine
// pushed, and manage status naming the host that polls. Real PostgreSQL, real PgBouncer, the built CLI.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { evaluate } from '../../src/store/outcome.js';
import { finalRecord, newRecord, type StatusRecord } from '../../src/store/statusRecord.js';
import type { PollingLease, RecordFeed } from '../../src/store/statusStore.js';
import { waitForOutcome } from '../../src/store/waitForOutcome.js';
import { realClock } from '../../src/kernel/clock.js';
import { PgStatusStore } from '../../src/store/postgres/pgStatusStore.js';
import { NOTIFIED_POLL_MS, POLLED_MS } from '../../src/store/postgres/recordFeed.js';
import { holds, SHAPES } from '../../support/helpers/jsonShapes.js';
import { bouncedPostgres } from '../../support/helpers/bouncedPostgres.js';
import { spawn } from 'node:child_process';
import { BIN, type CliResult, cliAsync } from '../../support/helpers/cli.js';
import { withClient } from '../../support/helpers/postgres.js';
import { makeTempDir } from '../../support/helpers/repo.js';
import { type Machine, teamWorld, type TeamWorld, until } from '../../support/worlds/teamWorld.js';

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
      assert.deepEqual(await Promise.all(feeds.map((f) => f.probed)), [true, false, true]);
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
      const feeds: Promise<RecordFeed>[] = [];
      const openFeed = waiter.recordFeed.bind(waiter);
      waiter.recordFeed = (s) => feeds[feeds.push(openFeed(s)) - 1]!;
      const waiting = waitForOutcome(waiter, sha, 30_000, realClock);
      // The writes come once the waiter listens and has heard its probe: a fixed pause could end first on a busy
      // machine, and the writes then wait for a poll of the table instead of waking it.
      await until('the waiter to open its feed', () => feeds.length > 0);
      assert.equal(await (await feeds[0]!).probed, true, 'a direct connection hears NOTIFY');
      // Two writes in quick succession: the second may land while the waiter reads after the first.
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
          await until('check to wait on its feed', () => feedOpen(via, sha));
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

describe('team mode: check --all, manage status, watch and logs on machines that never pushed', () => {
  it("check --all is the team's history: who pushed each commit, from which machine, outcome and duration", async (t) => {
    if (db.skip) return t.skip(db.skip);
    const schema = freshSchema();
    const w = await team(db.bouncer!.url, schema, 3, 3);
    const poller = await playPoller(db.bouncer!.url, schema);
    try {
      const [a, b, c] = w.shas as [string, string, string];
      const from = (i: number) => ({ pushedBy: `agent-${i}`, pushedFrom: `machine-${i}` });
      await poller.end(await poller.building(a, from(0)), 'success');
      await poller.end(await poller.building(b, from(2)), 'failed');
      await poller.building(c, from(1));
      const m = w.machines[1]!;
      const json = await m.dw('check', '--all', '--json');
      assert.equal(json.code, 0, json.stderr);
      const entries = JSON.parse(json.stdout) as Array<Record<string, unknown>>;
      holds(entries, SHAPES['check --all --json']!);
      const bySha = new Map(entries.map((e) => [e.sha, e]));
      assert.deepEqual(
        [a, b, c].map((sha) => {
          const e = bySha.get(sha)!;
          return [e.outcome, e.pushedBy, e.pushedFrom, typeof e.durationMs];
        }),
        [
          ['success', 'agent-0', 'machine-0', 'number'],
          ['failed', 'agent-2', 'machine-2', 'number'],
          ['in_progress', 'agent-1', 'machine-1', 'number'],
        ],
      );
      const human = await m.dw('check', '--all');
      const [header, ...rows] = human.stdout.trim().split('\n');
      assert.match(header!, /^SHA\s+BRANCH\s+STATE\s+DURATION\s+SOURCE\s+PUSHED BY\s+HOST\s+STARTED$/);
      assert.ok(
        rows.some((r) => r.startsWith(b.slice(0, 7)) && /failed .*agent-2\s+machine-2/.test(r)),
        human.stdout,
      );
    } finally {
      await poller.close();
      await w.close();
    }
  });

  it('manage status on a machine with no watcher names the host that polls and the age of its heartbeat', async (t) => {
    if (db.skip) return t.skip(db.skip);
    const schema = freshSchema();
    const w = await team(db.bouncer!.url, schema, 1, 3);
    try {
      const m = w.machines[2]!;
      const none = await m.dw('manage', 'status');
      assert.match(none.stdout, /team poller: none yet/);
      const poller = await playPoller(db.bouncer!.url, schema);
      try {
        await poller.building(w.shas[0]!);
        const json = await m.dw('manage', 'status', '--json');
        const status = JSON.parse(json.stdout);
        holds(status, SHAPES['manage status --json']!);
        assert.equal(status.watcher, null, 'no watcher on this machine');
        assert.equal(status.poller.host, 'machine-0');
        assert.equal(status.poller.pid, process.pid);
        assert.equal(status.poller.liveness, 'alive');
        assert.ok(status.poller.heartbeatAgeMs >= 0 && status.poller.heartbeatAgeMs < 30_000, json.stdout);
        assert.deepEqual(
          status.commits.map((c: { sha: string; stale: boolean }) => [c.sha, c.stale]),
          [[w.shas[0], false]],
        );
        const human = await m.dw('manage', 'status');
        assert.match(
          human.stdout,
          new RegExp(`team poller: machine-0 PID ${process.pid} \\(lease epoch 1, renewed \\d+s ago\\)`),
        );
      } finally {
        await poller.close();
      }
    } finally {
      await w.close();
    }
  });

  it("watch follows a commit another machine pushed until its outcome; logs fetches it by the team record's deployment, or shows the stored log without a token", async (t) => {
    if (db.skip) return t.skip(db.skip);
    const schema = freshSchema();
    const w = await teamWorld({
      machines: 3,
      commits: 2,
      storeUrl: db.bouncer!.url,
      schema,
      deployments: (shas) =>
        shas.map((sha, i) => ({
          id: `dep-${i}`,
          sha,
          phases: [[0, i === 0 ? 'ACTIVE' : 'ERROR']],
          logs: { BUILD: `build ${i} says hello\n` },
        })),
    });
    w.go();
    const poller = await playPoller(db.bouncer!.url, schema);
    try {
      const [ok, bad] = w.shas as [string, string];
      const running = await poller.building(ok, { deploymentId: 'dep-0' });
      const watching = started(w.machines[1]!, ['watch', ok, '--interval', '0.1'], w.api.url);
      await until('watch to show the deployment building', () =>
        /building · deployment dep-0/.test(watching.stdout()),
      ).catch((e) => {
        t.diagnostic(`watch printed: ${watching.stdout()} ${watching.stderr()}`);
        throw e;
      });
      await poller.end(running, 'success');
      const watched = await watching.exited;
      assert.equal(watched.code, 0, watched.stderr);
      assert.match(watched.stdout, /✓ deployed .* deployment dep-0/);

      // logs on a machine that never pushed: the deployment id comes from the team's record.
      const logs = await w.machines[2]!.dw('logs', ok);
      assert.equal(logs.code, 0, logs.stderr);
      assert.match(logs.stdout, /build 0 says hello/);

      // The poller stored the failed build's log; a machine without the token reads that copy.
      const failed = await poller.building(bad, { deploymentId: 'dep-1' });
      await poller.store.writeLog(bad, '== BUILD ==\nnpm ERR! stored by the poller\n');
      await poller.end(failed, 'failed', { logs: { state: 'fetched', until: null, reason: null } });
      const env = { ...w.machines[2]!.env, DEPLOY_WATCH_DO_API_URL: w.api.url, DIGITALOCEAN_ACCESS_TOKEN: '' };
      const stored = await cliAsync(['logs', bad, '--tail', '1'], { cwd: w.machines[2]!.dir, env });
      assert.equal(stored.code, 0, stored.stderr);
      assert.equal(stored.stdout, 'npm ERR! stored by the poller\n');
      assert.match(stored.stderr, /as the team's poller stored them/);
      const json = await cliAsync(['--json', 'logs', bad], { cwd: w.machines[2]!.dir, env });
      holds(JSON.parse(json.stdout), SHAPES['logs --json']!);
      // Outside team mode a missing token is still the configuration error it was.
      const alone = await cliAsync(['logs', bad], {
        cwd: w.machines[2]!.dir,
        env: { ...env, DEPLOY_WATCH_STORE_URL: '' },
      });
      assert.equal(alone.code, 78, alone.stdout + alone.stderr);
      assert.match(alone.stderr, /DIGITALOCEAN_ACCESS_TOKEN/, 'the missing token, not another config problem');
      // A config the team store is set up from, refused (sub-second polling against DigitalOcean's own
      // API): the file and key are named, not the store blamed for them.
      const realApi = await cliAsync(['watch', bad], {
        cwd: w.machines[2]!.dir,
        env: { ...env, DEPLOY_WATCH_DO_API_URL: '' },
      });
      assert.equal(realApi.code, 78, realApi.stdout + realApi.stderr);
      assert.match(realApi.stderr, /"polling\.\w+Interval" is [\d.]+ seconds; it must be at least 1/);
      assert.doesNotMatch(realApi.stderr, /team store/i);
    } finally {
      await poller.close();
      await w.close();
    }
  });
});

/** True while a `check --wait` of the commit holds its listening connection, direct or through the bouncer. */
async function feedOpen(via: 'direct' | 'bouncer', sha: string): Promise<boolean> {
  const name = `deploy-watch wait ${sha.slice(0, 12)}`;
  if (via === 'direct') {
    const { rows } = await withClient(db.pg!.url, (c) =>
      c.query('select 1 from pg_stat_activity where application_name = $1', [name]),
    );
    return rows.length > 0;
  }
  const { rows } = await withClient(db.bouncer!.adminUrl, (c) => c.query('SHOW CLIENTS'));
  return rows.some((r: { application_name?: string }) => r.application_name === name);
}

/** The built CLI on a machine, its stdout readable while it runs. */
/** Runs the CLI on a machine against the fake API (the config's test-speed polling is allowed only there). */
function started(m: Machine, args: string[], apiUrl: string) {
  const child = spawn(process.execPath, [BIN, ...args], {
    cwd: m.dir,
    env: { ...m.env, DEPLOY_WATCH_DO_API_URL: apiUrl },
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const exited = new Promise<CliResult>((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
  return { stdout: () => stdout, stderr: () => stderr, exited };
}

/** Machines sharing `url`'s store, no deployments on the fake API (the test writes the records). */
function team(url: string, schema: string, commits: number, machines = 2): Promise<TeamWorld> {
  return teamWorld({ machines, commits, storeUrl: url, schema, deployments: () => [] });
}
