// One driven world for monitor tests: a clock that sleep advances, the fake App Platform API on it,
// a real status store in a temp folder and a real git repository for the ancestry question.
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { FileStatusStore } from '../../src/store/files/fileStatusStore.js';
import { createGit } from '../../src/git/git.js';
import type { StatusRecord } from '../../src/store/statusRecord.js';
import type { StatusStore } from '../../src/store/statusStore.js';
import { followCommit } from '../../src/watcher/follow.js';
import type { Polling } from '../../src/watcher/schedule.js';
import { memoryListCache, noCache } from '../../src/sources/digitalocean/cache.js';
import { createDigitalOceanSource } from '../../src/sources/digitalocean/source.js';
import { isAncestorFetchingOnce } from '../../src/git/queries.js';
import type { Source } from '../../src/sources/source.js';
import { start, type FakeDoApi, type Timeline } from '../fakes/doApi.js';
import { makeRepo, type TestRepo } from '../helpers/repo.js';

export const T0 = Date.parse('2026-03-02T10:00:00Z');
export const DEFAULT_POLLING: Polling = { fastInterval: 5, fastFor: 60, slowInterval: 15, timeout: 1800 };

export interface World {
  clock: { now: number };
  repo: TestRepo;
  store: FileStatusStore;
  api: FakeDoApi;
  writes: StatusRecord[];
  source(opts?: { shared?: boolean }): Source;
  run(
    sha: string,
    opts?: {
      polling?: Polling;
      sources?: Source[];
      signal?: AbortSignal;
      logBudgetMs?: number;
      store?: StatusStore;
      resume?: StatusRecord;
    },
  ): Promise<StatusRecord>;
  close(): Promise<void>;
}

type Script = Omit<Timeline, 'appId' | 'token'>;

/** `script` may build the timeline from the repository (its commits are made first). */
export async function world(
  script: Script | ((repo: TestRepo) => Script),
  limits: { remaining?: number; windowMs?: number } = {},
): Promise<World> {
  const repo = makeRepo();
  const timeline = typeof script === 'function' ? script(repo) : script;
  const clock = { now: T0 };
  const api = await start({ appId: 'app-1', token: 'dop_v1_good', ...timeline }, { now: () => clock.now, ...limits });
  const stateDir = join(repo.dir, '.git', 'deploy-watch');
  const store = new FileStatusStore(stateDir);
  const writes: StatusRecord[] = [];
  const write = store.write.bind(store);
  store.write = async (r) => {
    writes.push(r);
    await write(r);
  };
  const git = createGit(repo.dir, repo.env);
  const w: World = {
    clock,
    repo,
    store,
    api,
    writes,
    source: (opts = {}) =>
      createDigitalOceanSource({
        apiUrl: api.url,
        token: 'dop_v1_good',
        appId: 'app-1',
        timeoutMs: 2_000,
        perPage: 50,
        now: () => clock.now,
        random: () => 0.5,
        cache: opts.shared ? memoryListCache(4_000, () => clock.now) : noCache,
        isAncestor: (a, b) => isAncestorFetchingOnce(git, 'origin', a, b),
      }),
    run: (sha, opts = {}) =>
      followCommit({
        sha,
        branch: 'main',
        remote: 'origin',
        pid: process.pid,
        store: opts.store ?? store,
        sources: opts.sources ?? [w.source()],
        polling: opts.polling ?? DEFAULT_POLLING,
        now: () => clock.now,
        sleep: async (ms) => void (clock.now += ms),
        signal: opts.signal ?? new AbortController().signal,
        ...(opts.logBudgetMs !== undefined ? { logBudgetMs: opts.logBudgetMs } : {}),
        ...(opts.resume ? { resume: opts.resume } : {}),
      }),
    close: async () => {
      await api.close();
      repo.cleanup();
    },
  };
  return w;
}

export function mode(file: string): number {
  return statSync(file).mode & 0o777;
}
