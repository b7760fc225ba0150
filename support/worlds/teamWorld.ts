// A team for tests through the built CLI: one bare remote, several clones with separate state folders as
// separate machines (each its own DEPLOY_WATCH_HOST), one PostgreSQL (through PgBouncer) they share, and
// the fake App Platform API whose timeline starts when the world is made.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BIN, cliAsync, type CliResult } from '../helpers/cli.js';
import { git, makeRepo, type TestRepo } from '../helpers/repo.js';
import { isAlive } from '../helpers/processes.js';
import { start, type FakeDeployment, type FakeDoApi } from '../fakes/doApi.js';
import { readPidFile } from '../../src/kernel/fs/pidFile.js';
import { watcherPaths } from '../../src/store/files/stateDir.js';
import { spawn, type ChildProcess } from 'node:child_process';

export interface Machine {
  name: string;
  dir: string;
  stateDir: string;
  env: NodeJS.ProcessEnv;
  dw(...args: string[]): Promise<CliResult>;
  spawn(...args: string[]): ChildProcess;
  /** This machine's registered watcher, or null. */
  watcherPid(): number | null;
}

export interface TeamWorld {
  repo: TestRepo;
  api: FakeDoApi;
  shas: string[];
  machines: Machine[];
  /** Starts the deployments' timeline (until then the API lists none): call it right before the pushes. */
  go(): void;
  /** Milliseconds since go(). */
  elapsed(): number;
  close(): Promise<void>;
}

export interface TeamOptions {
  machines: number;
  commits: number;
  storeUrl: string;
  schema: string;
  deployments(shas: string[]): FakeDeployment[];
  polling?: Record<string, number>;
  /** Seconds a poller's lease lasts (short in tests, so a takeover is seen quickly). */
  lease?: number;
  env?: NodeJS.ProcessEnv;
  /** The deployments' timeline clock in ms (default: time since go()), for a test that decides when a phase comes. */
  timeline?: () => number;
}

export async function teamWorld(opts: TeamOptions): Promise<TeamWorld> {
  const repo = makeRepo();
  const shas: string[] = [];
  for (let i = 0; i < opts.commits; i++) shas.push(repo.commit(`change ${i}`));
  repo.git('push', '-q', '--no-verify', 'origin', 'main');
  const config = {
    digitalocean: { appId: 'app-1' },
    polling: { fastInterval: 0.2, fastFor: 0, slowInterval: 0.2, timeout: 30, linger: 0, ...opts.polling },
    team: { schema: opts.schema, lease: opts.lease ?? 3 },
  };
  const machines: Machine[] = [];
  const children: ChildProcess[] = [];
  for (let i = 0; i < opts.machines; i++) {
    const dir = i === 0 ? repo.dir : join(repo.root, `machine-${i}`);
    if (i > 0) git(repo.root, ['clone', '-q', repo.remote, dir], repo.env);
    writeFileSync(join(dir, 'deploy-watch.config.json'), JSON.stringify(config));
    const env: NodeJS.ProcessEnv = {
      ...repo.env,
      DIGITALOCEAN_ACCESS_TOKEN: 'dop_v1_good',
      DEPLOY_WATCH_STORE_URL: opts.storeUrl,
      DEPLOY_WATCH_HOST: `machine-${i}`,
      DEPLOY_WATCH_PUSHER: `agent-${i}`,
      ...opts.env,
    };
    const stateDir = join(dir, '.git', 'deploy-watch');
    machines.push({
      name: `machine-${i}`,
      dir,
      stateDir,
      env,
      dw: (...args) =>
        cliAsync(args, { cwd: dir, env: { ...env, DEPLOY_WATCH_DO_API_URL: api.url }, timeoutMs: 40_000 }),
      spawn(...args) {
        const child = spawn(process.execPath, [BIN, ...args], {
          cwd: dir,
          env: { ...env, DEPLOY_WATCH_DO_API_URL: api.url },
          stdio: 'ignore',
        });
        children.push(child);
        return child;
      },
      watcherPid: () => readPidFile(watcherPaths(stateDir).pid)?.pid ?? null,
    });
  }
  // The timeline's offsets count from go(): setting up the machines takes seconds on a busy machine.
  let startedAt: number | null = null;
  const clock = opts.timeline ?? (() => (startedAt === null ? 0 : Date.now() - startedAt));
  const api = await start(
    { appId: 'app-1', token: 'dop_v1_good', deployments: opts.deployments(shas) },
    // Dated from go(), as DigitalOcean dates them: `serve` takes on only deployments made since it started.
    { now: clock, epoch: () => startedAt ?? Date.now() },
  );
  return {
    repo,
    api,
    shas,
    machines,
    go() {
      startedAt = Date.now();
    },
    elapsed: clock,
    async close() {
      for (const child of children) if (child.pid && child.exitCode === null) child.kill('SIGKILL');
      const pids = machines.map((m) => m.watcherPid()).filter((pid): pid is number => pid !== null && isAlive(pid));
      for (const pid of pids) process.kill(pid, 'SIGKILL');
      // A killed watcher may still be writing its state folder for a moment: remove the folders once it is gone.
      const deadline = Date.now() + 5_000;
      while (pids.some(isAlive) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      await api.close();
      repo.cleanup();
    },
  };
}

/** The tool log's lines of one machine that match. */
export function toolLogLines(m: Machine, pattern: RegExp): string[] {
  try {
    return readFileSync(join(m.stateDir, 'deploy-watch.log'), 'utf8')
      .split('\n')
      .filter((l) => pattern.test(l));
  } catch {
    return [];
  }
}

export async function until(what: string, test: () => boolean | Promise<boolean>, ms = 20_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await test())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
