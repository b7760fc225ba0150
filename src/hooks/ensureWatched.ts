// Closes the gap the hooks leave (--no-verify, HUSKY=0, a GUI without node): `check --wait` starts the
// monitor itself when the commit is on the remote's deploy branch and nobody watches it.
import type { EnsureWatched } from '../core/waitForOutcome.js';
import type { Deps } from '../core/deps.js';
import { isAncestor } from '../core/gitQueries.js';
import { startMonitorOnce } from './startMonitorOnce.js';

export function makeEnsureWatched(deps: Deps): EnsureWatched {
  return async (sha, evaluation) => {
    // A stopped monitor was stopped on purpose; a corrupt record is the user's to look at.
    if (evaluation.unknown !== 'no-record' && evaluation.unknown !== 'stale') return false;
    const config = await deps.config();
    if (!(await onDeployBranch(deps, sha, config.remote, config.branch))) return false;
    // A monitor someone else just started counts too: the record will appear either way.
    await startMonitorOnce(deps, { sha, branch: config.branch, remote: config.remote });
    return true;
  };
}

/** Per the remote-tracking ref, as last fetched or pushed: no network. */
export async function onDeployBranch(deps: Deps, sha: string, remote: string, branch: string): Promise<boolean> {
  return (await isAncestor(deps.git(), sha, `refs/remotes/${remote}/${branch}`)) === true;
}
