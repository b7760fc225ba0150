// Builds state the way the watcher would, for tests of the readers (check, manage, cleanup).
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before } from 'node:test';
import { cli, type CliResult } from './cli.js';
import { isAlive } from './processes.js';
import { makeRepo, type TestRepo } from './repo.js';
import { writeFileAtomic } from '../../src/kernel/fs/atomicWrite.js';
import { writePidFile } from '../../src/kernel/fs/pidFile.js';
import { watcherPaths } from '../../src/store/files/stateDir.js';
import { newRecord, type StatusRecord } from '../../src/store/statusRecord.js';
import { FileStatusStore } from '../../src/store/files/fileStatusStore.js';

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

/**
 * A real detached process standing in for the watcher, registered as the store's watcher; the commit
 * counts as followed by it (its record names it, or it waits in the inbox). With `takes`, it also does
 * what a watcher does first: takes commits from the inbox onto a pending record with its PID.
 */
export function startFakeMonitor(
  store: FileStatusStore,
  sha?: string,
  opts: { ignoreTerm?: boolean; takes?: boolean } = {},
): ChildProcess {
  // One that ignores SIGTERM says so on stdout once its handler is in place (see ignoringTerm).
  const code = `${opts.ignoreTerm ? "process.on('SIGTERM', () => {}); process.stdout.write('ignoring SIGTERM\\n');" : ''} ${opts.takes ? TAKE_INBOX : ''} setInterval(() => {}, 1000);`;
  const child = spawn(process.execPath, ['-e', code, store.stateDir], {
    detached: true,
    stdio: ['ignore', opts.ignoreTerm ? 'pipe' : 'ignore', 'ignore'],
  });
  child.unref();
  store.ensure();
  writePidFile(watcherPaths(store.stateDir).pid, { pid: child.pid!, startedAt: new Date().toISOString() });
  if (sha) followBy(store, sha, child.pid!);
  return child;
}

/** Resolves once a fake monitor started with ignoreTerm has its SIGTERM handler in place (Node may start slowly). */
export async function ignoringTerm(child: ChildProcess): Promise<void> {
  const stdout = child.stdout!;
  await once(stdout, 'data');
  stdout.destroy(); // nothing more to read; the test must not wait on it
}

/** Marks the commit as followed by `pid`: on its record when it has one, else in the inbox. */
export function followBy(store: FileStatusStore, sha: string, pid: number): void {
  const file = store.paths(sha).record;
  if (existsSync(file)) {
    const record = JSON.parse(readFileSync(file, 'utf8')) as StatusRecord;
    writeFileAtomic(file, JSON.stringify({ ...record, pid }));
  } else {
    writeFileAtomic(join(watcherPaths(store.stateDir).follow, `${sha}.json`), JSON.stringify({ sha }));
  }
}

const TAKE_INBOX = `
const fs = require('fs'), path = require('path'), dir = process.argv[1];
const inbox = path.join(dir, 'watcher', 'follow');
setInterval(() => {
  for (const name of fs.existsSync(inbox) ? fs.readdirSync(inbox) : []) {
    if (!/^[0-9a-f]{40}[.]json$/.test(name)) continue;
    const sha = name.slice(0, 40), file = path.join(dir, 'runs', sha + '.json'), now = new Date().toISOString();
    const record = { version: 1, sha, branch: 'main', remote: 'origin', state: 'pending', source: null,
      deploymentId: null, phase: null, startedAt: now, updatedAt: now, finishedAt: null, pid: process.pid,
      polls: 0, message: null, logFile: null };
    fs.writeFileSync(file + '.' + process.pid + '.tmp', JSON.stringify(record));
    fs.renameSync(file + '.' + process.pid + '.tmp', file);
    fs.unlinkSync(path.join(inbox, name));
  }
}, 50);`;

export { isAlive };

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
