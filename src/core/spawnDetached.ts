// Starts deploy-watch itself in the background: its own session (survives the terminal closing), no
// inherited stdio, never awaited. node:child_process rather than execa: `check --wait` and the pre-push
// hook spawn through here, execa costs ~150 ms to import, and a detached child with no output leaves
// execa no result to handle.
import { spawn } from 'node:child_process';

export interface DetachedSpawn {
  /** The deploy-watch launcher to run with the current Node. */
  bin: string;
  cwd: string;
  env: NodeJS.ProcessEnv;
}

/** Resolves nothing; returns the child's PID, or 0 when it could not be started. */
export function spawnDetached(args: readonly string[], how: DetachedSpawn): number {
  const child = spawn(process.execPath, [how.bin, ...args], {
    cwd: how.cwd,
    detached: true,
    stdio: 'ignore',
    env: how.env,
  });
  // A spawn that fails (a cwd removed meanwhile, no processes left) reports on 'error': the 0 PID says
  // so to the caller; unheard, the event would crash this process.
  child.on('error', () => undefined);
  child.unref();
  return child.pid ?? 0;
}
