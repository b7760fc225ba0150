// Builds state the way a monitor would, for tests of the readers (check, manage, cleanup).
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { after, before } from 'node:test';
import { cli, type CliResult } from './cli.js';
import { makeRepo, type TestRepo } from './repo.js';
import { writePidFile } from '../../src/core/pidFile.js';
import { newRecord, type StatusRecord } from '../../src/core/statusRecord.js';
import { FileStatusStore } from '../../src/core/statusStore.js';

export function storeFor(commonDir: string): FileStatusStore {
  return new FileStatusStore(join(commonDir, 'deploy-watch'));
}

export async function putRecord(
  store: FileStatusStore,
  sha: string,
  fields: Partial<StatusRecord> = {},
): Promise<StatusRecord> {
  const record = newRecord({ sha, branch: 'main', remote: 'origin', ...fields }, new Date().toISOString());
  await store.write(record);
  return record;
}

/** A real detached process standing in for a monitor; `ignoreTerm` makes it survive SIGTERM. */
export function startFakeMonitor(
  store: FileStatusStore,
  sha: string,
  opts: { ignoreTerm?: boolean } = {},
): ChildProcess {
  const code = `${opts.ignoreTerm ? "process.on('SIGTERM', () => {});" : ''} setInterval(() => {}, 1000);`;
  const child = spawn(process.execPath, ['-e', code], { detached: true, stdio: 'ignore' });
  child.unref();
  store.ensure();
  writePidFile(store.paths(sha).pid, { pid: child.pid!, sha, startedAt: new Date().toISOString() });
  return child;
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

export function killQuietly(child: ChildProcess | undefined): void {
  if (child?.pid && isAlive(child.pid)) {
    try {
      process.kill(child.pid, 'SIGKILL');
    } catch {
      /* gone */
    }
  }
}

export interface RepoFixture {
  readonly repo: TestRepo;
  readonly store: FileStatusStore;
  /** Processes to kill when the suite ends. */
  readonly children: ChildProcess[];
  /** Runs the built CLI in the repository. */
  dw(...args: string[]): CliResult;
}

/** Registers before/after hooks in the calling suite: a fresh repo with a remote, its store, cleanup of both. */
export function useRepoFixture(): RepoFixture {
  let repo: TestRepo | undefined;
  let store: FileStatusStore | undefined;
  const children: ChildProcess[] = [];
  before(() => {
    repo = makeRepo();
    store = storeFor(join(repo.dir, '.git'));
  });
  after(() => {
    children.forEach(killQuietly);
    repo?.cleanup();
  });
  return {
    get repo() {
      return repo!;
    },
    get store() {
      return store!;
    },
    children,
    dw: (...args) => cli(args, { cwd: repo!.dir, env: repo!.env }),
  };
}
