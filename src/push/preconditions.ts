// Refusals, decided from a read-only look at the repository before anything changes.
// Order matters: a rebase in progress also looks like a detached HEAD and a dirty tree.
import * as msg from '../kernel/messages.js';
import { PUSH_EXIT } from '../kernel/exitCodes.js';
import type { RepoState } from './repoState.js';

export interface PushTarget {
  remote: string;
  branch: string;
  localBranch: string;
}

export type Precondition = { ok: true; target: PushTarget } | { ok: false; exitCode: number; message: string };

const refuse = (exitCode: number, message: string): Precondition => ({ ok: false, exitCode, message });

export function checkPreconditions(state: RepoState, args: { remote?: string; branch?: string }): Precondition {
  if (state.inProgress) return refuse(PUSH_EXIT.inProgress, msg.pushInProgress(state.inProgress));
  if (!state.branch) return refuse(PUSH_EXIT.detachedHead, msg.PUSH_DETACHED);
  // The contract's "nothing to push" is exit 0; the message says why and what to do.
  if (!state.head) return refuse(PUSH_EXIT.pushed, msg.PUSH_NO_COMMITS);
  const remote = args.remote ?? state.upstream?.remote;
  // The branch's own name on the remote: pushing a feature branch to main is never the suggestion.
  const suggested = remote ?? (state.remotes.includes('origin') ? 'origin' : (state.remotes[0] ?? 'origin'));
  if (!remote) return refuse(PUSH_EXIT.noUpstream, msg.pushNoUpstream(state.branch, suggested));
  if (!state.remotes.includes(remote)) return refuse(PUSH_EXIT.usage, msg.unknownRemote(remote, state.remotes));
  const branch = args.branch ?? (state.upstream?.remote === remote ? state.upstream.branch : undefined);
  if (!branch) return refuse(PUSH_EXIT.noUpstream, msg.pushNoUpstream(state.branch, remote));
  if (!isBranchName(branch)) return refuse(PUSH_EXIT.usage, msg.badBranchName(branch));
  if (state.dirty.length > 0) return refuse(PUSH_EXIT.dirtyTree, msg.pushDirty(state.dirty));
  return { ok: true, target: { remote, branch, localBranch: state.branch } };
}

/** git check-ref-format's rules, enough to refuse what cannot name a branch. */
export function isBranchName(name: string): boolean {
  return (
    name.length > 0 &&
    name.length <= 255 &&
    !name.startsWith('-') &&
    !name.startsWith('/') &&
    !name.endsWith('/') &&
    !name.endsWith('.lock') &&
    !name.endsWith('.') &&
    !/\.\.|\/\/|@\{|[\x00-\x20\x7f~^:?*[\\]|(^|\/)\./.test(name) &&
    name !== '@'
  );
}
