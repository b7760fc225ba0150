// Starts the post-push step without slowing the push: when the hook knows the `git push` PID, a
// detached POSIX shell (a ~1 ms start) waits for that PID to exit and only then execs Node, so the
// step's ~50 ms Node start never competes with the push for the CPU. Without a PID, Node starts at once.
import { nodeChildProcess } from '../kernel/lazyBuiltins.js';
import type { ProcessRef } from './processTree.js';

/** $1 = PID to wait for; the rest is the command to exec. Bounded: 6000 × 0.1 s = 10 min. */
export const WAIT_THEN_EXEC =
  'p=$1; shift; i=0; while kill -0 "$p" 2>/dev/null && [ $i -lt 6000 ]; do sleep 0.1 2>/dev/null || sleep 1; i=$((i+1)); done; exec "$@"';

export interface PostPushSpawn {
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** The deploy-watch bin to run (`node <bin> hook watch …`). */
  bin: string;
  /** Used when there is no PID to wait for. */
  spawnDetached(args: readonly string[]): number;
}

/** The step's PID (the waiting shell's, which becomes Node's by exec); null when it could not start. */
export function startPostPush(args: readonly string[], push: ProcessRef | null, how: PostPushSpawn): number | null {
  if (!push) return how.spawnDetached(args) || null;
  const child = nodeChildProcess().spawn(
    'sh',
    ['-c', WAIT_THEN_EXEC, 'deploy-watch-wait', String(push.pid), process.execPath, how.bin, ...args],
    {
      cwd: how.cwd,
      env: how.env,
      detached: true,
      stdio: 'ignore',
    },
  );
  child.on('error', () => {}); // no sh: nothing to watch with, and the push must not fail for it
  child.unref();
  return child.pid ?? null;
}
