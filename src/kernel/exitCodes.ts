// Every exit code deploy-watch can end with, in one table: scripts and agents act on these numbers,
// so each one is defined once here and everything else (errors, commands, the hook, the merge driver,
// the agent guide) reads it from here.

export const EXIT_CODES = {
  /** check: deployed; push: pushed (or nothing to push); every other command: done. */
  success: 0,
  /** check: the deployment failed; push: refused by the remote or a conflict a human must see. */
  failed: 1,
  /** check: still in progress with a live monitor. */
  inProgress: 2,
  /** check: no outcome known (no record, a stopped or dead monitor, an unreadable record). */
  notFound: 3,
  /** push refused: uncommitted changes to tracked files. */
  pushDirtyTree: 10,
  /** push refused: a rebase, merge, cherry-pick or revert is already in progress. */
  pushInProgress: 11,
  /** push refused: HEAD is detached. */
  pushDetachedHead: 12,
  /** push refused: no remote branch given and the current branch has no upstream. */
  pushNoUpstream: 13,
  /** Bad flag, bad argument, invalid sha (EX_USAGE). */
  usage: 64,
  /**
   * The pre-push hook refused a branch name. Not 1: Node exits 1 on a crash, and a broken install must
   * never block a push, so the hook script turns only this code into git's refusal.
   */
  hookRefused: 65,
  /** Something failed for reasons outside the user's input (EX_SOFTWARE). */
  internal: 70,
  /** push gave up: still losing the race after conflicts.maxAttempts attempts (EX_TEMPFAIL). */
  pushGaveUp: 75,
  /** Invalid config file or environment (EX_CONFIG). */
  config: 78,
  /** The merge driver could not read its inputs or write %A: git treats above 128 as a failed merge. */
  mergeDriverFailed: 129,
  /** push interrupted (Ctrl-C, SIGTERM) while waiting for its turn: ticket returned, nothing changed (128 + SIGINT). */
  pushInterrupted: 130,
} as const;

/** The codes shared by every command; the library exports this as `EXIT`. */
export const EXIT = {
  success: EXIT_CODES.success,
  failed: EXIT_CODES.failed,
  inProgress: EXIT_CODES.inProgress,
  notFound: EXIT_CODES.notFound,
  usage: EXIT_CODES.usage,
  internal: EXIT_CODES.internal,
  config: EXIT_CODES.config,
} as const;

/** `deploy-watch push`: each refusal has its own code so a script can act without parsing text. */
export const PUSH_EXIT = {
  pushed: EXIT_CODES.success,
  failed: EXIT_CODES.failed,
  dirtyTree: EXIT_CODES.pushDirtyTree,
  inProgress: EXIT_CODES.pushInProgress,
  detachedHead: EXIT_CODES.pushDetachedHead,
  noUpstream: EXIT_CODES.pushNoUpstream,
  usage: EXIT_CODES.usage,
  gaveUp: EXIT_CODES.pushGaveUp,
  interrupted: EXIT_CODES.pushInterrupted,
} as const;

/** `deploy-watch merge-driver`: 1 only after conflict markers holding all three versions were written. */
export const MERGE_DRIVER_EXIT = {
  merged: EXIT_CODES.success,
  conflict: EXIT_CODES.failed,
  failed: EXIT_CODES.mergeDriverFailed,
} as const;

/** `deploy-watch monitor` in the foreground: how the deployment ended. */
export const MONITOR_EXIT = {
  success: EXIT_CODES.success,
  failed: EXIT_CODES.failed,
  stopped: EXIT_CODES.notFound,
} as const;
