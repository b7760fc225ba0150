// Closes the gap the hooks leave (--no-verify, HUSKY=0, a GUI without node): `check --wait` starts the
// monitor itself when the commit is on the remote's deploy branch and nobody watches it.
import type { EnsureWatched } from '../store/waitForOutcome.js';
import type { Deps } from '../deps.js';
import { ConfigError } from '../kernel/errors.js';
import * as msg from '../kernel/messages.js';
import { recordStartFailure, toolLog } from '../watcher/startFailure.js';
import { readHookConfig } from './hookConfig.js';
import { isAncestor } from '../git/queries.js';
import { handOver, nobodyWatches } from '../watcher/handOver.js';

export function makeEnsureWatched(deps: Deps): EnsureWatched {
  return async (sha, evaluation) => {
    // A stopped monitor was stopped on purpose; a corrupt record is the user's to look at.
    if (!nobodyWatches(evaluation)) return false;
    let config: { remote: string; branch: string };
    try {
      config = await deps.config();
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      // No monitor can start: say so on the record of a pushed commit; check then answers from it.
      const { branch, remote } = readHookConfig(deps.repo().topLevel, deps.env);
      if (await onDeployBranch(deps, sha, remote, branch)) {
        await recordStartFailure(
          deps.store(),
          { sha, branch, remote, reason: msg.startFailedConfig(error.message) },
          deps.now(),
          await toolLog(deps),
        );
      }
      return false;
    }
    if (!(await onDeployBranch(deps, sha, config.remote, config.branch))) return false;
    // A follow someone else just started counts too: the record will appear either way.
    return (await handOver(deps, { sha, branch: config.branch, remote: config.remote })).status === 'following';
  };
}

/** Per the remote-tracking ref, as last fetched or pushed: no network. */
export async function onDeployBranch(deps: Deps, sha: string, remote: string, branch: string): Promise<boolean> {
  return (await isAncestor(deps.git(), sha, `refs/remotes/${remote}/${branch}`)) === true;
}
