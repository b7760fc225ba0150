// The questions deploy-watch asks git, one small function each over the shared wrapper (like np's
// git-util): callers read an answer, not git's exit codes and output formats.
import type { Git } from './git.js';

/** `git merge-base --is-ancestor`: true or false, or null when git could not tell (an unknown commit). */
export async function isAncestor(git: Git, ancestor: string, descendant: string): Promise<boolean | null> {
  const { exitCode } = await git.run(['merge-base', '--is-ancestor', ancestor, descendant], { allowFailure: true });
  return exitCode === 0 ? true : exitCode === 1 ? false : null;
}

/** isAncestor, asked again after one fetch of the remote when a commit is not known here; null if still unknown. */
export async function isAncestorFetchingOnce(
  git: Git,
  remote: string,
  ancestor: string,
  descendant: string,
): Promise<boolean | null> {
  // A git that is missing or killed leaves the ancestry unknown rather than failing the poll.
  const ask = () => isAncestor(git, ancestor, descendant).catch(() => null);
  const known = await ask();
  if (known !== null) return known;
  await git.run(['fetch', '--quiet', '--no-tags', remote], { allowFailure: true }).catch(() => undefined);
  return ask();
}

/** A push to a URL counts as a push to the remote when the URL is one of the remote's push URLs. */
export async function isPushUrlOf(git: Git, remote: string, url: string): Promise<boolean> {
  const r = await git.run(['remote', 'get-url', '--all', '--push', remote], { allowFailure: true });
  const norm = (u: string) =>
    u
      .trim()
      .replace(/\/+$/, '')
      .replace(/\.git$/, '');
  return r.exitCode === 0 && r.stdout.split('\n').some((line) => line.trim() !== '' && norm(line) === norm(url));
}

export interface RefFact {
  sha: string;
  upstream: string;
  /** Commits the upstream has that the ref lacks, as last fetched. */
  behind: number;
}

/** One git call for every ref: its sha, its upstream and how far behind it is (no network). */
export async function refFacts(git: Git, refs: readonly string[]): Promise<Map<string, RefFact>> {
  const facts = new Map<string, RefFact>();
  if (refs.length === 0) return facts;
  const format = '%(refname)%00%(objectname)%00%(upstream:short)%00%(upstream:track,nobracket)';
  const r = await git.run(['for-each-ref', `--format=${format}`, ...refs], { allowFailure: true });
  for (const line of r.stdout.split('\n')) {
    const [name, sha, upstream, track] = line.split('\0');
    if (!name || !sha || !refs.includes(name)) continue;
    const behind = /behind (\d+)/.exec(track ?? '');
    facts.set(name, { sha, upstream: upstream ?? '', behind: behind ? Number(behind[1]) : 0 });
  }
  return facts;
}

/** The commit `refs/remotes/<remote>/<branch>` holds, or null when there is no such ref. */
export async function trackingSha(git: Git, remote: string, branch: string): Promise<string | null> {
  const r = await git.run(['rev-parse', '--verify', '--quiet', `refs/remotes/${remote}/${branch}^{commit}`], {
    allowFailure: true,
  });
  return r.exitCode === 0 ? r.stdout.trim() || null : null;
}

export interface RefUpdate {
  sha: string;
  /** The reflog message, e.g. `update by push`. */
  subject: string;
  /** When, in ms since the epoch. */
  at: number;
}

/** How many reflog entries the post-push step reads: pushes that landed after this one, and more. */
const REFLOG_DEPTH = 50;

/** The newest reflog entries of `refs/remotes/<remote>/<branch>`, newest first; empty when it has none. */
export async function trackingUpdates(git: Git, remote: string, branch: string): Promise<RefUpdate[]> {
  const r = await git.run(
    ['log', '-g', `-${REFLOG_DEPTH}`, '--format=%H%x09%gs%x09%gd', '--date=unix', `refs/remotes/${remote}/${branch}`],
    { allowFailure: true },
  );
  if (r.exitCode !== 0) return [];
  const updates: RefUpdate[] = [];
  for (const line of r.stdout.split('\n')) {
    const [sha, subject, selector] = line.split('\t');
    const at = /@\{(\d+)\}$/.exec(selector ?? '');
    if (sha && subject !== undefined && at) updates.push({ sha, subject, at: Number(at[1]) * 1000 });
  }
  return updates;
}

/** The commit the remote's branch holds now (`git ls-remote`: network), or null when unknown. */
export async function remoteBranchSha(git: Git, remoteOrUrl: string, branch: string): Promise<string | null> {
  const r = await git.run(['ls-remote', '--', remoteOrUrl, `refs/heads/${branch}`], { allowFailure: true });
  if (r.exitCode !== 0) return null;
  const line = r.stdout.split('\n').find((l) => l.endsWith(`\trefs/heads/${branch}`));
  return line ? line.split('\t')[0]! : null;
}
