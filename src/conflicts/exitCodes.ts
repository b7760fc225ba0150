// Exit codes of `deploy-watch push`. Each refusal has its own code so a script or an agent can
// act on it without parsing text (README: "deploy-watch push"). 64, 70 and 78 are the shared ones.
export const PUSH_EXIT = {
  /** Pushed, and every local commit is on the remote (or there was nothing to push). */
  pushed: 0,
  /** Not pushed: the remote refused for a reason that is not a race, or a conflict needs a human. */
  failed: 1,
  /** Refused: uncommitted changes to tracked files. */
  dirtyTree: 10,
  /** Refused: a rebase, merge, cherry-pick or revert is already in progress. */
  inProgress: 11,
  /** Refused: HEAD is detached. */
  detachedHead: 12,
  /** Refused: no remote branch given and the current branch has no upstream. */
  noUpstream: 13,
  /** Bad argument: unknown remote, invalid branch name. */
  usage: 64,
  /** Gave up: still losing the race after conflicts.maxAttempts attempts (EX_TEMPFAIL: retry later). */
  gaveUp: 75,
} as const;
