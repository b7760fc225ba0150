// `deploy-watch serve` through the built CLI: real processes on clones as machines, a real PostgreSQL behind
// a real PgBouncer (transaction mode), the fake App Platform API. It records deployments no hook announced,
// ends cleanly on SIGTERM, answers a health probe, and two of them share the lease (one polls).
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { BIN, cli } from '../../support/helpers/cli.js';
import { bouncedPostgres } from '../../support/helpers/bouncedPostgres.js';
import { withClient } from '../../support/helpers/postgres.js';
import { processesUnder } from '../../support/helpers/processes.js';
import { git, makeRepo } from '../../support/helpers/repo.js';
import { isAlive } from '../../support/helpers/state.js';
import type { FakeDeployment } from '../../support/fakes/doApi.js';
import { type Machine, type TeamWorld, teamWorld, until } from '../../support/worlds/teamWorld.js';

const db = bouncedPostgres();
let schemas = 0;

function schema(): string {
  schemas += 1;
  return `dw_s${schemas}_${process.pid}`;
}

interface Line {
  event?: string;
  msg?: string;
  [key: string]: unknown;
}

interface Served {
  child: ChildProcess;
  machine: Machine;
  /** Every stdout line as written. */
  raw(): string[];
  /** The lines parsed (a line that is not JSON fails the test where it is read). */
  events(): Line[];
  stderr(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  waitFor(event: string, test?: (line: Line) => boolean, ms?: number): Promise<Line>;
}

const children: ChildProcess[] = [];

function serve(w: TeamWorld, m: Machine, ...args: string[]): Served {
  const child = spawn(process.execPath, [BIN, 'serve', ...args], {
    cwd: m.dir,
    env: { ...m.env, DEPLOY_WATCH_DO_API_URL: w.api.url },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let out = '';
  let err = '';
  child.stdout!.setEncoding('utf8').on('data', (d: string) => (out += d));
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (err += d));
  const raw = () => out.split('\n').filter((l) => l !== '');
  const events = () => raw().map((l) => JSON.parse(l) as Line);
  return {
    child,
    machine: m,
    raw,
    events,
    stderr: () => err,
    exited: new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal }))),
    async waitFor(event, test = () => true, ms = 20_000) {
      let found: Line | undefined;
      await until(
        `${m.name}'s serve to log "${event}" (stderr: ${err.slice(-300)})`,
        () => (found = events().find((l) => l.event === event && test(l))) !== undefined,
        ms,
      );
      return found!;
    },
  };
}

function stopAll(): void {
  for (const child of children.splice(0))
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
}

async function recordOf(name: string, sha: string) {
  const { rows } = await withClient(db.pg!.url, (c) =>
    c
      .query(`select state, record->>'host' as host, pushed_by, pushed_from from ${name}.records where sha = $1`, [sha])
      .catch(() => ({ rows: [] })),
  );
  return rows[0] as
    | { state: string; host: string | null; pushed_by: string | null; pushed_from: string | null }
    | undefined;
}

async function leaseOf(name: string) {
  const { rows } = await withClient(db.pg!.url, (c) =>
    c.query(`select host, pid, expires_at > now() as alive from ${name}.leases`).catch(() => ({ rows: [] })),
  );
  return rows[0] as { host: string; pid: number; alive: boolean } | undefined;
}

/** One deployment of `sha` that nobody announces: in the list from `appearAt`, ACTIVE at `endAt`. */
function deployed(sha: string, id: string, appearAt: number, endAt: number): FakeDeployment {
  return {
    id,
    sha,
    phases: [
      [appearAt, 'BUILDING'],
      [endAt, 'ACTIVE'],
    ],
  };
}

/** A host with no clone: an empty repository holding only the config (README: the Dockerfile recipe). */
function bareHost(w: TeamWorld, name: string): Machine {
  const dir = join(w.repo.root, name);
  mkdirSync(dir);
  git(dir, ['init', '-q'], w.repo.env);
  copyFileSync(join(w.machines[0]!.dir, 'deploy-watch.config.json'), join(dir, 'deploy-watch.config.json'));
  return { ...w.machines[0]!, name, dir, env: { ...w.machines[0]!.env, DEPLOY_WATCH_HOST: name } };
}

async function world(
  machines: number,
  commits: number,
  deployments: (shas: string[]) => FakeDeployment[],
  polling?: Record<string, number>,
) {
  const name = schema();
  const w = await teamWorld({
    machines,
    commits,
    storeUrl: db.bouncer!.url,
    schema: name,
    lease: 3,
    deployments,
    ...(polling ? { polling } : {}),
  });
  return { w, name };
}

/** Requests for the deployment list's pages (the one request a poll makes for every commit). */
function listRequests(w: TeamWorld): number {
  return w.api.apiRequests().filter((r) => r.path.endsWith('/deployments')).length;
}

describe('deploy-watch serve', () => {
  it('without team mode: exit 78, naming DEPLOY_WATCH_STORE_URL; a bad --health-port is a usage error (64)', () => {
    const repo = makeRepo();
    try {
      const env = { ...repo.env, DEPLOY_WATCH_STORE_URL: '' };
      const noTeam = cli(['serve'], { cwd: repo.dir, env });
      assert.equal(noTeam.code, 78, noTeam.stderr);
      assert.match(noTeam.stderr, /DEPLOY_WATCH_STORE_URL/);
      assert.equal(noTeam.stdout, '');
      const badPort = cli(['serve', '--health-port', 'http'], { cwd: repo.dir, env });
      assert.equal(badPort.code, 64);
      assert.match(badPort.stderr, /--health-port/);
    } finally {
      repo.cleanup();
    }
  });

  it('records a deployment that no hook announced (pushed from "unannounced"); check on another clone exits 0', async (t) => {
    if (db.skip) return t.skip(db.skip);
    // Commit 0: deployed with nobody announcing it (--no-verify, the dashboard). Commit 1: announced by
    // machine-0 (as its hook would), so its record keeps the announcer.
    // Polls every second: the look for unannounced deployments reads the answer the commits' polls share.
    const { w, name } = await world(
      2,
      2,
      (shas) => [deployed(shas[0]!, 'd-quiet', 400, 6_500), deployed(shas[1]!, 'd-hooked', 600, 6_700)],
      { fastInterval: 1, fastFor: 0, slowInterval: 1 },
    );
    try {
      // serve runs where the container recipe runs it: a folder that is only `git init` and the config.
      const s = serve(w, bareHost(w, 'serve-host'));
      await s.waitFor('lease taken');
      w.go();
      assert.equal((await w.machines[0]!.dw('monitor', w.shas[1]!, '--detach')).code, 0);
      await until('both outcomes', async () => {
        const [a, b] = await Promise.all(w.shas.map((sha) => recordOf(name, sha)));
        return a?.state === 'success' && b?.state === 'success';
      });
      const seconds = w.elapsed() / 1000;
      t.diagnostic(`${listRequests(w)} list requests in ${seconds.toFixed(1)} s, two commits followed and discovery`);
      assert.ok(listRequests(w) <= Math.ceil(seconds) + 2, `${listRequests(w)} list requests in ${seconds} s`);
      const quiet = await recordOf(name, w.shas[0]!);
      assert.deepEqual(quiet, { state: 'success', host: 'serve-host', pushed_by: 'dev', pushed_from: 'unannounced' });
      assert.equal(
        (await recordOf(name, w.shas[1]!))?.pushed_from,
        'machine-0',
        'an announced commit keeps its announcer',
      );
      const discovered = s.events().filter((l) => l.event === 'discovered');
      assert.deepEqual(
        discovered.map((l) => [l.sha, l.deploymentId]),
        [[w.shas[0], 'd-quiet']],
      );
      await s.waitFor('outcome', (l) => l.sha === w.shas[0] && l.state === 'success');
      const check = await w.machines[0]!.dw('check', w.shas[0]!);
      assert.equal(check.code, 0, check.stdout + check.stderr);
    } finally {
      stopAll();
      await w.close();
    }
  });

  it('SIGTERM: exit 0 within 2 s, lease released, the commit in progress left for the next holder, no process left, every stdout line JSON', async (t) => {
    if (db.skip) return t.skip(db.skip);
    const { w, name } = await world(2, 1, (shas) => [deployed(shas[0]!, 'd1', 300, 12_000)]);
    try {
      const first = serve(w, w.machines[1]!);
      await first.waitFor('lease taken');
      w.go();
      await first.waitFor('follow', (l) => l.sha === w.shas[0]);
      await until('the commit building', async () => (await recordOf(name, w.shas[0]!))?.state === 'building');
      const sentAt = Date.now();
      first.child.kill('SIGTERM');
      const exit = await first.exited;
      const tookMs = Date.now() - sentAt;
      t.diagnostic(`serve ended ${tookMs} ms after SIGTERM`);
      assert.deepEqual(exit, { code: 0, signal: null }, first.stderr());
      assert.ok(tookMs < 2_000, `${tookMs} ms`);
      assert.equal((await leaseOf(name))?.alive, false, 'the lease is released, not left to expire');
      assert.deepEqual(processesUnder(w.machines[1]!.dir), [], 'nothing of serve is left running');
      assert.equal((await recordOf(name, w.shas[0]!))?.state, 'building', 'left in progress for the next holder');
      const lines = first.raw();
      for (const line of lines) assert.doesNotThrow(() => JSON.parse(line), line);
      assert.deepEqual(
        ['start', 'lease taken', 'follow', 'signal', 'stopped'].filter(
          (e) => !first.events().some((l) => l.event === e),
        ),
        [],
        lines.join('\n'),
      );
      assert.ok(!lines.join('\n').includes(db.pg!.password), 'the store password is never logged');
      // The next serve takes the released lease at once and records the outcome.
      const startedAt = Date.now();
      const next = serve(w, w.machines[0]!);
      await next.waitFor('lease taken');
      t.diagnostic(`the next serve held the lease ${Date.now() - startedAt} ms after it started`);
      await until('the outcome', async () => (await recordOf(name, w.shas[0]!))?.state === 'success');
      assert.equal((await recordOf(name, w.shas[0]!))?.host, 'machine-0');
    } finally {
      stopAll();
      await w.close();
    }
  });

  it('--health-port answers GET /healthz 200 with {status, host, holdsLease, following, lastPollAt}', async (t) => {
    if (db.skip) return t.skip(db.skip);
    const { w } = await world(1, 1, (shas) => [deployed(shas[0]!, 'd1', 300, 1_000)]);
    try {
      const s = serve(w, w.machines[0]!, '--health-port', '0');
      const start = await s.waitFor('start');
      const port = start.healthPort as number;
      assert.ok(port > 0, JSON.stringify(start));
      // Before the watcher's first tick the probe says so (503 starting; the lease is logged before that tick);
      // from then on 200.
      await s.waitFor('lease taken');
      w.go();
      let body: Record<string, unknown> = {};
      let ticked = false;
      await until('a first poll in the health answer', async () => {
        const res = await fetch(`http://127.0.0.1:${port}/healthz`);
        body = (await res.json()) as Record<string, unknown>;
        if (!ticked && res.status === 503 && body.status === 'starting' && body.lastTickAt === null) return false;
        ticked = true;
        assert.equal(res.status, 200, JSON.stringify(body));
        return body.lastPollAt !== null;
      });
      assert.equal(body.status, 'ok');
      assert.equal(body.host, 'machine-0');
      assert.equal(body.holdsLease, true);
      assert.equal(typeof body.following, 'number');
      assert.ok(Date.now() - Date.parse(body.lastPollAt as string) < 5_000, String(body.lastPollAt));
      assert.equal((await fetch(`http://127.0.0.1:${port}/nope`)).status, 404);
    } finally {
      stopAll();
      await w.close();
    }
  });

  it('two serves: one polls, the other stands by; SIGKILL of the holder → the other takes over within the lease and records the outcome', async (t) => {
    if (db.skip) return t.skip(db.skip);
    const { w, name } = await world(2, 1, (shas) => [deployed(shas[0]!, 'd1', 300, 10_000)]);
    try {
      const a = serve(w, w.machines[0]!, '--health-port', '0');
      await a.waitFor('lease taken');
      const b = serve(w, w.machines[1]!, '--health-port', '0');
      await b.waitFor('standby');
      const port = (await b.waitFor('start')).healthPort as number;
      const standby = (await (await fetch(`http://127.0.0.1:${port}/healthz`)).json()) as Record<string, unknown>;
      assert.equal(standby.holdsLease, false);
      w.go();
      await a.waitFor('follow', (l) => l.sha === w.shas[0]);
      await until('the commit building', async () => (await recordOf(name, w.shas[0]!))?.state === 'building');
      assert.equal((await leaseOf(name))?.host, 'machine-0');
      assert.ok(!b.events().some((l) => l.event === 'follow' || l.event === 'discovered'), 'the standby polls nothing');
      a.child.kill('SIGKILL');
      const killedAt = Date.now();
      await b.waitFor('lease taken', () => true, 10_000);
      const takeoverMs = Date.now() - killedAt;
      t.diagnostic(`takeover after ${takeoverMs} ms (lease 3 s)`);
      assert.ok(takeoverMs < 3_000 + 1_500, `${takeoverMs} ms`);
      await until('the outcome', async () => (await recordOf(name, w.shas[0]!))?.state === 'success', 20_000);
      assert.equal((await recordOf(name, w.shas[0]!))?.host, 'machine-1', 'recorded by the new holder');
      assert.ok(!isAlive(a.child.pid!));
    } finally {
      stopAll();
      await w.close();
    }
  });
});
