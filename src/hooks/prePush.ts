// What the pre-push hook decides, as a pure function of git's input and the config:
// which pushes to refuse (branch names), which local branches to check for "behind", which commit to watch.
import { type BranchMatcher, boundedMatcher, PatternTooSlow } from './boundedPattern.js';
import type { HookConfig } from './hookConfig.js';
import { branchName, refKind, type PushedRef } from './refLines.js';

export interface Refusal {
  /** The branch name the push would create or update on the remote. */
  branch: string;
  /** The local branch pushed, when it is one (so the fix can be `git branch -m`). */
  localBranch: string | null;
  /** A name that matches the pattern, when one can be derived. */
  suggestion: string | null;
}

export interface PrePushPlan {
  refusals: Refusal[];
  /**
   * Local branch refs (`refs/heads/x`) whose upstream may be ahead of them. Not the deploy branch: git
   * refuses a non-fast-forward push to it before the hook runs, and that saves the hook its git call.
   */
  behindChecks: string[];
  /** The commit pushed to the deploy branch, if any (several refs: the deploy branch only). */
  watch: { sha: string; branch: string } | null;
}

const PREFIXES = ['feat', 'fix', 'chore', 'docs', 'agent'];

/**
 * `applies` is false for pushes to other remotes: those are left alone entirely. Throws PatternTooSlow
 * when `branchPattern` backtracks past its time budget.
 */
export function planPrePush(refs: readonly PushedRef[], config: HookConfig, applies: boolean): PrePushPlan {
  const plan: PrePushPlan = { refusals: [], behindChecks: [], watch: null };
  if (!applies) return plan;
  const pattern = boundedMatcher(config.branchPattern);
  for (const ref of refs) {
    if (refKind(ref) !== 'branch') continue; // tags, deletions, notes and other namespaces pass untouched
    const branch = branchName(ref.remoteRef)!;
    const localBranch = branchName(ref.localRef);
    if (branch === config.branch) {
      plan.watch = { sha: ref.localSha, branch };
      continue;
    }
    if (!pattern.test(branch)) {
      plan.refusals.push({ branch, localBranch, suggestion: suggestName(branch, pattern) });
      continue;
    }
    if (localBranch) plan.behindChecks.push(ref.localRef);
  }
  return plan;
}

/** A name close to `branch` that the pattern accepts, e.g. `My Fix` → `feat/my-fix`; null if none is found. */
export function suggestName(branch: string, pattern: BranchMatcher): string | null {
  const slug = branch
    .toLowerCase()
    .replace(/[^a-z0-9._/-]+/g, '-')
    .replace(/^[-/.]+|[-/.]+$/g, '');
  const leaf = slug.split('/').filter(Boolean).join('-') || 'change';
  const candidates = [slug, ...PREFIXES.map((p) => `${p}/${leaf}`)];
  try {
    return candidates.find((c) => c && pattern.test(c)) ?? null;
  } catch (error) {
    // The branch is refused either way; a pattern too slow on a candidate only costs the suggestion.
    if (error instanceof PatternTooSlow) return null;
    throw error;
  }
}
