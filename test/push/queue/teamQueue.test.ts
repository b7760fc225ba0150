// The team's push queue (PostgreSQL through PgBouncer in transaction mode): machines take turns in order,
// a holder that died (SIGKILL) or hung loses its turn, an unreachable store lets a push go on with one
// warning; and the swarm through `deploy-watch push` on three "machines" (separate clones and cache
// folders sharing only PostgreSQL), with a holder killed mid-turn.
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { QueueKey, Turn } from '../../../src/push/queue/pushQueue.js';
import { TeamPushQueue } from '../../../src/push/queue/teamQueue.js';
import { makeSwarm, runSwarm, swarmProblems } from '../../../support/worlds/swarmWorld.js';
import { bouncedPostgres } from '../../../support/helpers/bouncedPostgres.js';
import { freePort, withClient } from '../../../support/helpers/postgres.js';
import { git, makeTempDir } from '../../../support/helpers/repo.js';

const db = bouncedPostgres();
const HOLDER = fileURLToPath(new URL('../../../support/push/teamQueueHolder.js', import.meta.url));
let schemas = 0;
const freshSchema = () => `dw_q${++schemas}_${process.pid}`;
const KEY: QueueKey = { url: '/srv/git/shop.git', branch: 'main' };

function machineQueue(
  schema: string,
  host: string,
  opts: { url?: string; staleMs?: number; turnTimeoutMs?: number } = {},
) {
  const warnings: string[] = [];
  const queue = new TeamPushQueue({
    url: opts.url ?? db.bouncer!.url,
    schema,
    host,
    now: Date.now,
    turnTimeoutMs: opts.turnTimeoutMs ?? 60_000,
    staleMs: opts.staleMs ?? 10_000,
    pollMs: 50,
    warn: (m) => warnings.push(m),
  });
  return { queue, warnings };
}

/** A holder process of the team's turn; resolves once it holds it. */
async function holder(schema: string, key: QueueKey): Promise<ChildProcess> {
  const child = spawn(process.execPath, [HOLDER, db.bouncer!.url, schema, key.url, key.branch, 'doomed'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => d.toString().includes('holding') && resolve());
    child.once('exit', (code) => reject(new Error(`holder exited ${code}`)));
  });
  return child;
}

describe('team push queue (PostgreSQL through PgBouncer, transaction mode)', () => {
  it('machines take turns in the order they joined (FIFO), one at a time', async (t) => {
    if (db.skip) return t.skip(db.skip);
    const schema = freshSchema();
    const machines = Array.from({ length: 5 }, (_, i) => machineQueue(schema, `m${i}`));
    const order: string[] = [];
    let holding = 0;
    let most = 0;
    const first = await machines[0]!.queue.enter(KEY);
    const rest: Promise<void>[] = [];
    for (let i = 1; i < machines.length; i++) {
      // Each joins after the previous one's ticket is in the table.
      const waits = new Promise<void>((joined) => {
        rest.push(
          machines[i]!.queue.enter(KEY, { onWait: () => joined() }).then(async (turn: Turn) => {
            holding += 1;
            most = Math.max(most, holding);
            order.push(`m${i}`);
            await new Promise((r) => setTimeout(r, 30));
            holding -= 1;
            await turn.release();
          }),
        );
      });
      await waits;
    }
    await first.release();
    await Promise.all(rest);
    assert.deepEqual(order, ['m1', 'm2', 'm3', 'm4']);
    assert.equal(most, 1, 'never two turns at once');
    await Promise.all(machines.map((m) => m.queue.close()));
  });

  it('a holder killed mid-turn (SIGKILL) loses it once its heartbeat is stale; a hung one after the turn bound', async (t) => {
    if (db.skip) return t.skip(db.skip);
    const schema = freshSchema();
    const next = machineQueue(schema, 'next', { staleMs: 1_500 });
    await next.queue.enter({ url: 'warm-up', branch: 'x' }).then((turn) => turn.release()); // migrated, connected
    const doomed = await holder(schema, KEY);
    const waiting = next.queue.enter(KEY);
    await new Promise((r) => setTimeout(r, 300));
    doomed.kill('SIGKILL');
    const killedAt = Date.now();
    const turn = await waiting;
    const afterKill = Date.now() - killedAt;
    t.diagnostic(`turn ${afterKill} ms after the holder's SIGKILL (stale bound 1.5 s)`);
    assert.ok(afterKill >= 1_000 && afterKill < 1_500 + 1_000, `${afterKill} ms`);
    await turn.release();

    // Hung: alive and heartbeating, but holding the turn past turnTimeout.
    const hung = machineQueue(schema, 'hung');
    const held = await hung.queue.enter(KEY);
    const patient = machineQueue(schema, 'patient', { turnTimeoutMs: 1_000 });
    const started = Date.now();
    const second = await patient.queue.enter(KEY);
    const waited = Date.now() - started;
    t.diagnostic(`hung holder passed after ${waited} ms (turn bound 1 s)`);
    assert.ok(waited >= 700 && waited < 2_500, `${waited} ms`);
    await second.release();
    await held.release();
    await Promise.all([next.queue.close(), hung.queue.close(), patient.queue.close()]);
  });

  it('Ctrl-C while waiting gives the ticket back; the store unreachable lets the push go with one warning', async (t) => {
    if (db.skip) return t.skip(db.skip);
    const schema = freshSchema();
    const a = machineQueue(schema, 'a');
    const b = machineQueue(schema, 'b');
    const held = await a.queue.enter(KEY);
    const abort = new AbortController();
    const waiting = b.queue.enter(KEY, { signal: abort.signal, onWait: () => abort.abort(new Error('interrupted')) });
    await assert.rejects(waiting, /interrupted/);
    const left = await withClient(db.pg!.url, (c) => c.query(`select host from ${schema}.push_tickets`));
    assert.deepEqual(
      left.rows.map((r) => r.host),
      ['a'],
      "the interrupted machine's ticket is gone",
    );
    await held.release();

    const port = await freePort();
    const down = machineQueue(schema, 'down', { url: `postgresql://postgres:${db.pg!.password}@127.0.0.1:${port}/x` });
    const turn = await down.queue.enter(KEY);
    assert.equal(turn.aheadAtStart, 0);
    assert.equal(down.warnings.length, 1);
    assert.match(down.warnings[0]!, /cannot be reached/);
    assert.doesNotMatch(down.warnings[0]!, new RegExp(db.pg!.password));
    await turn.release();
    await Promise.all([a.queue.close(), b.queue.close(), down.queue.close()]);
  });

  it('the swarm across three machines: 12 clones x 2 commits through the team queue, a holder killed mid-turn', {
    timeout: 300_000,
  }, async (t) => {
    if (db.skip) return t.skip(db.skip);
    const schema = freshSchema();
    const root = makeTempDir('dw-team-swarm-');
    t.after(() => rmSync(root, { recursive: true, force: true }));
    const AGENTS = 12;
    const COMMITS = 2;
    const world = makeSwarm(root, AGENTS, COMMITS, AGENTS, { team: { schema } });
    world.envs = world.clones.map((_, c) => ({
      ...world.env,
      DEPLOY_WATCH_STORE_URL: db.bouncer!.url,
      DEPLOY_WATCH_HOST: `machine-${c % 3}`,
      DEPLOY_WATCH_CACHE_DIR: join(root, `cache-${c % 3}`),
    }));
    // A machine that took the team's turn and died holding it, as the swarm starts.
    const doomed = await holder(schema, { url: world.remote, branch: 'main' });
    const remoteHead = () => git(root, ['--git-dir', world.remote, 'rev-parse', 'main'], world.env).trim();
    const before = remoteHead();
    const swarm = runSwarm(world);
    await new Promise((r) => setTimeout(r, 2_000));
    assert.equal(remoteHead(), before, 'nobody pushed while the holder held the turn');
    // The others go on when a waiting machine removes the dead holder's ticket as stale: measured in the queue
    // itself, not by the next push landing, which adds a rebase and a push that take seconds on a busy machine.
    const doomedTickets = async () =>
      (await withClient(db.pg!.url, (c) => c.query(`select 1 from ${schema}.push_tickets where host = 'doomed'`)))
        .rowCount;
    assert.equal(await doomedTickets(), 1, 'the holder holds its ticket until it dies');
    doomed.kill('SIGKILL');
    const killedAt = Date.now();
    while ((await doomedTickets()) !== 0 && Date.now() - killedAt < 30_000)
      await new Promise((r) => setTimeout(r, 100));
    const resumedAfter = Date.now() - killedAt;
    while (remoteHead() === before && Date.now() - killedAt < 60_000) await new Promise((r) => setTimeout(r, 50));
    const pushedAfter = Date.now() - killedAt;
    const { seconds, runs } = await swarm;
    const failed = runs.filter((r) => r.code !== 0);
    assert.deepEqual(
      failed.map((r) => `c${r.agent} k${r.commit}: exit ${r.code} ${r.stderr}`),
      [],
    );
    const { landed, problems } = swarmProblems(world);
    assert.deepEqual(problems, []);
    assert.equal(landed, AGENTS * COMMITS);
    const pushes = runs.reduce((n, r) => n + r.pushes, 0);
    t.diagnostic(
      `team swarm: ${landed} commits in ${seconds.toFixed(1)} s, ${pushes} git pushes; the dead holder's ticket removed ${resumedAfter} ms and the first push landed ${pushedAfter} ms after its SIGKILL (stale bound 10 s)`,
    );
    assert.ok(resumedAfter < 10_000 + 3_000, `the others went on within the stale bound: ${resumedAfter} ms`);
    assert.ok(pushes <= 1.2 * AGENTS * COMMITS, `${pushes} git pushes for ${AGENTS * COMMITS} commits`);
  });
});
