// Deps for unit tests: a driven clock (sleep advances it, never waits), captured output, a real store in a temp folder.
import type { Deps, GlobalOptions } from '../../src/deps.js';
import { FileStatusStore } from '../../src/store/files/fileStatusStore.js';

export interface FakeDeps extends Deps {
  out: string[];
  err: string[];
  /** Called after every sleep with the new time, so a test can change the world at a given moment. */
  onTick?: (nowMs: number) => Promise<void> | void;
}

export function fakeDeps(
  stateDir: string,
  opts: { start?: number; globals?: Partial<GlobalOptions>; head?: string | null } = {},
): FakeDeps {
  let now = opts.start ?? Date.parse('2026-01-01T00:00:00Z');
  const store = new FileStatusStore(stateDir, {
    now: () => now,
    sleep: async (ms) => void (now += ms),
  });
  const deps: FakeDeps = {
    out: [],
    err: [],
    globals: { json: false, quiet: false, verbose: false, cwd: '.', ...opts.globals },
    env: {},
    stdout: { write: (s) => void deps.out.push(s), isTTY: false },
    stderr: { write: (s) => void deps.err.push(s), isTTY: false },
    colour: false,
    now: () => now,
    sleep: async (ms) => {
      now += ms;
      await deps.onTick?.(now);
    },
    kill: () => {
      throw new Error('kill is not expected in this test');
    },
    git: () => {
      throw new Error('git is not expected in this test');
    },
    repo: () => ({ topLevel: '/nonexistent', commonDir: '/nonexistent', head: opts.head ?? null }),
    stateDir: () => stateDir,
    store: () => store,
    team: () => null,
    config: () => Promise.reject(new Error('config is not expected in this test')),
    logger: () => Promise.reject(new Error('logger is not expected in this test')),
    leaveWhenDone: () => undefined,
    spawnDetached: () => {
      throw new Error('spawnDetached is not expected in this test');
    },
  };
  return deps;
}
