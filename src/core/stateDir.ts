// Where state lives: <git-common-dir>/deploy-watch, or DEPLOY_WATCH_STATE_DIR when injected.
import { join } from 'node:path';
import type { RepoInfo } from './repo.js';

export const STATE_DIR_NAME = 'deploy-watch';

export function stateDirFor(repo: Pick<RepoInfo, 'commonDir'>, env: NodeJS.ProcessEnv): string {
  return env.DEPLOY_WATCH_STATE_DIR || join(repo.commonDir, STATE_DIR_NAME);
}

export interface RunPaths {
  record: string;
  log: string;
  pid: string;
  lock: string;
}

export function runsDir(stateDir: string): string {
  return join(stateDir, 'runs');
}

export function runPaths(stateDir: string, sha: string): RunPaths {
  const base = join(runsDir(stateDir), sha);
  return { record: `${base}.json`, log: `${base}.log`, pid: `${base}.pid`, lock: `${base}.lock` };
}

export function toolLogPath(stateDir: string): string {
  return join(stateDir, 'deploy-watch.log');
}
