// Where the local queue lives: the user's cache folder (XDG_CACHE_HOME or ~/.cache), so every clone
// and worktree of one machine shares it; DEPLOY_WATCH_CACHE_DIR overrides it (tests, sandboxes).
import { createHash } from 'node:crypto';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { QueueKey } from './pushQueue.js';

export function cacheDirFor(env: NodeJS.ProcessEnv): string {
  if (env.DEPLOY_WATCH_CACHE_DIR) return env.DEPLOY_WATCH_CACHE_DIR;
  const base = env.XDG_CACHE_HOME || join(env.HOME || homedir(), '.cache');
  return join(base, 'deploy-watch');
}

/** One folder per remote URL and branch: <cache>/push-queue/<hash>. */
export function queueFolder(cacheDir: string, key: QueueKey): string {
  const hash = createHash('sha256').update(`${key.url}\n${key.branch}`).digest('hex').slice(0, 24);
  return join(cacheDir, 'push-queue', hash);
}
