// This machine's push queue for a repository's target, as `deploy-watch push` and the library API both
// enter it: one place decides the folder, the clock and the stale bound, so the two never queue apart;
// in team mode the machine's line leads into the team's.
import type { Git } from '../../git/git.js';
import { ChainedPushQueue } from './chainedQueue.js';
import { LocalPushQueue } from './localQueue.js';
import type { PushQueue, QueueKey } from './pushQueue.js';
import { cacheDirFor } from './queueDir.js';
import { queueKeyFor } from './queueKey.js';

export interface MachineQueue {
  queue: PushQueue;
  key: QueueKey;
}

export async function machineQueue(
  git: Git,
  topLevel: string,
  target: { remote: string; branch: string },
  opts: {
    env: NodeJS.ProcessEnv;
    now(): number;
    turnTimeoutSeconds: number;
    /** Team mode: the team's queue, entered once this machine's turn has come. */
    team?: PushQueue | null;
  },
): Promise<MachineQueue> {
  const local = new LocalPushQueue({
    cacheDir: cacheDirFor(opts.env),
    now: opts.now,
    turnTimeoutMs: opts.turnTimeoutSeconds * 1000,
  });
  const queue = opts.team ? new ChainedPushQueue(local, opts.team) : local;
  return { queue, key: await queueKeyFor(git, topLevel, target.remote, target.branch) };
}
