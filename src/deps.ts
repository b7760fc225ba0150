// One dependency object with lazy members (GitHub CLI's Factory): a command pays only for what it uses,
// and tests inject the clock, sleep, env, the API base URL and the state folder.
import type { Config } from './kernel/config/config.js';
import type { Git } from './git/git.js';
import type { Logger } from './kernel/log.js';
import type { RepoInfo } from './git/repo.js';
import type { StatusStore } from './store/statusStore.js';
import type { TeamMode } from './kernel/config/teamMode.js';

export interface Output {
  write(text: string): void;
  readonly isTTY: boolean;
}

export interface GlobalOptions {
  json: boolean;
  quiet: boolean;
  verbose: boolean;
  cwd: string;
}

export interface Deps {
  readonly globals: GlobalOptions;
  readonly env: NodeJS.ProcessEnv;
  readonly stdout: Output;
  readonly stderr: Output;
  readonly colour: boolean;
  now(): number;
  sleep(ms: number): Promise<void>;
  /** Sends a signal; throws like process.kill. */
  kill(pid: number, signal: NodeJS.Signals | 0): void;
  git(): Git;
  repo(): RepoInfo;
  stateDir(): string;
  store(): StatusStore;
  /** Team mode (DEPLOY_WATCH_STORE_URL), decided once: null outside it. Read here, never from the env. */
  team(): TeamMode | null;
  /** Loaded on first use (zod is only paid for by commands that need config). */
  config(): Promise<Config>;
  logger(): Promise<Logger>;
  /**
   * Asks the entry point to end the process as soon as this command's exit code is set, whatever still holds
   * the event loop (a sleep's timer, a kept-alive socket). Only main.ts exits: nothing below it calls
   * process.exit (kernel/errors.ts).
   */
  leaveWhenDone(): void;
  /** Starts `deploy-watch <args>` detached (own session, no stdio) and returns its PID. */
  spawnDetached(args: readonly string[]): number;
}

/** Memoises a thunk: the dependency is built on first use, once. */
export function lazy<T>(make: () => T): () => T {
  let made = false;
  let value: T;
  return () => {
    if (!made) {
      value = make();
      made = true;
    }
    return value;
  };
}
