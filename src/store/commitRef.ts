// Turns what the user typed (nothing, a sha, a unique prefix, HEAD~1, a branch) into a full sha,
// rejecting anything that is not plainly a commit name before it reaches git.
import { UsageError } from '../kernel/errors.js';
import type { Git } from '../git/git.js';
import * as msg from '../kernel/messages.js';
import type { StatusStore } from './statusStore.js';

const HEX_PREFIX = /^[0-9a-fA-F]{4,40}$/;
// A conservative ref name: letters, digits, / . _ -, not starting with '-' or '.', no '..', optional ~N/^N suffixes.
const REF_NAME = /^(?!.*\.\.)(?![-.])[A-Za-z0-9@/_.-]{1,200}([~^]\d{0,4})*$/;
const MAX_INPUT = 256;

export interface ResolveOptions {
  git?: Git;
  store: StatusStore;
  head: string | null;
  /** When true, only commits that have state in the store (a record, or an inbox entry) are candidates (manage stop). */
  storeOnly?: boolean;
  /**
   * When true, git must know the name as a commit, even a full sha (monitor: following a sha that is no
   * commit here would poll for a deployment that cannot be matched). Not pushed is fine.
   */
  commitOnly?: boolean;
}

export function validateCommitArg(input: string): void {
  if (input.length > MAX_INPUT) throw new UsageError(msg.commitArgTooLong(input.length));
  if (!HEX_PREFIX.test(input) && !REF_NAME.test(input)) throw new UsageError(msg.invalidCommitArg(input));
}

export async function resolveCommit(input: string | undefined, opts: ResolveOptions): Promise<string> {
  if (input === undefined) {
    if (!opts.head) throw new UsageError(msg.NO_COMMITS_YET);
    return opts.head;
  }
  validateCommitArg(input);
  if (HEX_PREFIX.test(input) && !opts.commitOnly) {
    const prefix = input.toLowerCase();
    if (prefix.length === 40 && !opts.storeOnly) return prefix;
    // A commit still being handed over has no record yet, only its entry in the watcher's inbox (manage stop).
    const waiting = opts.storeOnly ? (await opts.store.followRequests()).map((r) => r.sha) : [];
    const known = new Set([...(await opts.store.listShas()), ...waiting]);
    const matches = [...known].filter((sha) => sha.startsWith(prefix));
    if (matches.length === 1) return matches[0]!;
    if (matches.length > 1) throw new UsageError(msg.ambiguousPrefix(prefix, matches));
  }
  if (opts.storeOnly || !opts.git) throw new UsageError(msg.noStateForCommit(input));
  const result = opts.git.runSync(['rev-parse', '--verify', '--quiet', '--end-of-options', `${input}^{commit}`], {
    allowFailure: true,
  });
  const sha = result.stdout.trim();
  if (result.exitCode !== 0 || !/^[0-9a-f]{40}$/.test(sha)) throw new UsageError(msg.unknownCommit(input));
  return sha;
}
