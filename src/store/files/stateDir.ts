// Where state lives: <git-common-dir>/deploy-watch, or DEPLOY_WATCH_STATE_DIR when injected.
// Only the file store and the hook's cache know the layout below; everything else asks the store.
import { join } from 'node:path';
import type { RepoInfo } from '../../git/repo.js';

export const STATE_DIR_NAME = 'deploy-watch';

export function stateDirFor(repo: Pick<RepoInfo, 'commonDir'>, env: NodeJS.ProcessEnv): string {
  return env.DEPLOY_WATCH_STATE_DIR || join(repo.commonDir, STATE_DIR_NAME);
}

export interface RunPaths {
  record: string;
  log: string;
}

export function runsDir(stateDir: string): string {
  return join(stateDir, 'runs');
}

export function runPaths(stateDir: string, sha: string): RunPaths {
  const base = join(runsDir(stateDir), sha);
  return { record: `${base}.json`, log: `${base}.log` };
}

/** The one watcher of a state folder: its PID file, its lock, its inboxes, the turn locks of those handing over. */
export interface WatcherPaths {
  pid: string;
  lock: string;
  /** Made (exclusively) by the asker that starts a watcher; removed by the watcher that claims the folder. */
  starting: string;
  follow: string;
  stop: string;
  turns: string;
  /** The key that hashes secrets in the settings a hand-over carries (0600, made once). */
  settingsKey: string;
}

export function watcherPaths(stateDir: string): WatcherPaths {
  const dir = join(stateDir, 'watcher');
  return {
    pid: join(stateDir, 'watcher.pid'),
    lock: join(stateDir, 'watcher.lock'),
    starting: join(stateDir, 'watcher.starting'),
    follow: join(dir, 'follow'),
    stop: join(dir, 'stop'),
    turns: join(dir, 'turns'),
    settingsKey: join(dir, 'settings.key'),
  };
}

export function toolLogPath(stateDir: string): string {
  return join(stateDir, 'deploy-watch.log');
}
