// Starts deploy-watch itself in the background: its own session (survives the terminal closing), no
// inherited stdio, never awaited. node:child_process rather than execa: `check --wait` and the pre-push
// hook spawn through here, execa costs ~150 ms to import, and a detached child with no output leaves
// execa no result to handle.
import { nodeChildProcess } from './lazyBuiltins.js';

export interface DetachedSpawn {
  /** The deploy-watch launcher to run with the current Node. */
  bin: string;
  cwd: string;
  env: NodeJS.ProcessEnv;
}

/**
 * Node flags per command. The watcher lives for minutes with a small, steady working set (~10 MB of live
 * heap with 20 commits in flight): a 1 MB young generation (V8's default grows it to 16 MB), and V8's
 * memory-over-speed mode, whose smaller old-space growth collects what the polls leave behind instead of
 * letting it pile up (without it, 20 commits kept ~40 MB committed old space, two thirds of it garbage);
 * and no optimizing compiler: a process that mostly waits on the network gains nothing from TurboFan, whose
 * compilations cost ~9 MB of peak RSS. Measured in bench/watcher.ts; docs/performance.md has the figures.
 */
const NODE_FLAGS: Readonly<Record<string, readonly string[]>> = {
  watcher: ['--max-semi-space-size=1', '--optimize-for-size', '--no-opt'],
};

/** Resolves nothing; returns the child's PID, or 0 when it could not be started. */
export function spawnDetached(args: readonly string[], how: DetachedSpawn): number {
  const flags = NODE_FLAGS[args[0] ?? ''] ?? [];
  const child = nodeChildProcess().spawn(process.execPath, [...flags, how.bin, ...args], {
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
