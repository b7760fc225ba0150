// A repository wired to the fake App Platform API for tests through the built CLI, with fast real-time
// polling (50 ms) so that whole deployments play out in well under a second.
import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync, readlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BIN, cliAsync, type CliResult } from '../helpers/cli.js';
import { makeRepo, type TestRepo } from '../helpers/repo.js';
import { isAlive, killQuietly, storeFor } from '../helpers/state.js';
import { start, type FakeDoApi, type Timeline } from '../fakes/doApi.js';
import type { FileStatusStore } from '../../src/store/files/fileStatusStore.js';
import { readPidFile } from '../../src/kernel/fs/pidFile.js';
import { toolLogPath, watcherPaths } from '../../src/store/files/stateDir.js';
import type { StatusRecord } from '../../src/store/statusRecord.js';

const roots: string[] = [];

/** deploy-watch processes still running in any repository these tests made (their cwd is inside it). */
export function strayProcesses(under: readonly string[] = roots): number[] {
  const found: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name) || Number(name) === process.pid) continue;
    try {
      const cmd = readFileSync(`/proc/${name}/cmdline`, 'utf8');
      const cwd = readlinkSync(`/proc/${name}/cwd`);
      if (cmd.includes('deploy-watch') && under.some((r) => cwd.startsWith(r))) found.push(Number(name));
    } catch {
      /* gone meanwhile, or not ours to read */
    }
  }
  return found;
}

export const FAST = { fastInterval: 0.05, fastFor: 0, slowInterval: 0.05, timeout: 5 };

export interface CliWorld {
  repo: TestRepo;
  api: FakeDoApi;
  store: FileStatusStore;
  env: NodeJS.ProcessEnv;
  dw(...args: string[]): Promise<CliResult>;
  /** Starts `deploy-watch <args>` as a tracked child (killed at close). */
  spawn(...args: string[]): ChildProcess;
  record(sha: string): StatusRecord | null;
  /** The phases the watcher's polls recorded for a commit, in order, each once (from its log). */
  phasesPolled(sha: string): string[];
  /** The registered watcher's PID (alive or not), or null. */
  watcherPid(): number | null;
  waitFor(what: string, test: () => boolean, ms?: number): Promise<void>;
  close(): Promise<void>;
}

export interface WorldOptions {
  config?: Record<string, unknown>;
  env?: NodeJS.ProcessEnv;
  token?: string;
}

export async function cliWorld(
  script: (repo: TestRepo) => Omit<Timeline, 'appId' | 'token'>,
  opts: WorldOptions = {},
): Promise<CliWorld> {
  const repo = makeRepo();
  roots.push(repo.root);
  const api = await start({ appId: 'app-1', token: 'dop_v1_good', ...script(repo) });
  writeFileSync(
    join(repo.dir, 'deploy-watch.config.json'),
    JSON.stringify({
      digitalocean: { appId: 'app-1' },
      ...opts.config,
      // The watcher leaves as soon as nothing is in flight, so no test waits on it or leaves it behind.
      polling: { ...FAST, linger: 0, ...(opts.config?.polling as object | undefined) },
    }),
  );
  const env = {
    ...repo.env,
    DIGITALOCEAN_ACCESS_TOKEN: opts.token ?? 'dop_v1_good',
    DEPLOY_WATCH_DO_API_URL: api.url,
    ...opts.env,
  };
  const store = storeFor(join(repo.dir, '.git'));
  const children: ChildProcess[] = [];
  const w: CliWorld = {
    repo,
    api,
    store,
    env,
    dw: (...args) => cliAsync(args, { cwd: repo.dir, env, timeoutMs: 20_000 }),
    spawn(...args) {
      const child = spawn(process.execPath, [BIN, ...args], { cwd: repo.dir, env, stdio: 'ignore' });
      children.push(child);
      return child;
    },
    record(sha) {
      try {
        return JSON.parse(readFileSync(store.paths(sha).record, 'utf8')) as StatusRecord;
      } catch {
        return null;
      }
    },
    async waitFor(what, test, ms = 10_000) {
      const deadline = Date.now() + ms;
      while (!test()) {
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
        await new Promise((r) => setTimeout(r, 20));
      }
    },
    phasesPolled(sha) {
      const polls = readFileSync(toolLogPath(store.stateDir), 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line) as { msg?: string; sha?: string; phase?: string | null })
        .filter((e) => e.msg === 'watcher poll' && e.sha === sha && e.phase);
      return polls.map((e) => e.phase!).filter((p, i, all) => p !== all[i - 1]);
    },
    watcherPid() {
      return readPidFile(watcherPaths(store.stateDir).pid)?.pid ?? null;
    },
    async close() {
      children.forEach(killQuietly);
      const watcher = w.watcherPid();
      if (watcher && isAlive(watcher)) process.kill(watcher, 'SIGKILL');
      await w
        .waitFor(
          'children to exit',
          () => children.every((c) => !c.pid || !isAlive(c.pid) || c.exitCode !== null || c.signalCode !== null),
          5_000,
        )
        .catch(() => undefined);
      // A watcher that has retired (off the register) may still be letting go of its lock and sources: let it
      // end by itself. One that never does is still there for the file's stray-process check to name.
      await w
        .waitFor("this repository's watchers to end", () => strayProcesses([repo.root]).length === 0, 10_000)
        .catch(() => undefined);
      await api.close();
      repo.cleanup();
    },
  };
  return w;
}
