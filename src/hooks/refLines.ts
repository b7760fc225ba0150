// Git's pre-push input: one line per ref, `<local ref> SP <local sha> SP <remote ref> SP <remote sha>`.
// Deletions carry `(delete)` and an all-zero local sha; a new remote ref has an all-zero remote sha.

export interface PushedRef {
  localRef: string;
  localSha: string;
  remoteRef: string;
  remoteSha: string;
}

export type RefKind = 'branch' | 'tag' | 'delete' | 'other';

const ZERO = /^0+$/;
const SHA = /^[0-9a-f]{40}([0-9a-f]{24})?$/;

/** Parses stdin; malformed lines are skipped (git never writes them; we must not block a push on them). */
export function parseRefLines(input: string): PushedRef[] {
  const refs: PushedRef[] = [];
  for (const line of input.split('\n')) {
    const parts = line.trim().split(' ');
    if (parts.length !== 4) continue;
    const [localRef, localSha, remoteRef, remoteSha] = parts as [string, string, string, string];
    if (!SHA.test(localSha) || !SHA.test(remoteSha)) continue;
    refs.push({ localRef, localSha, remoteRef, remoteSha });
  }
  return refs;
}

export function refKind(ref: PushedRef): RefKind {
  if (ref.localRef === '(delete)' || ZERO.test(ref.localSha)) return 'delete';
  if (ref.remoteRef.startsWith('refs/tags/')) return 'tag';
  if (ref.remoteRef.startsWith('refs/heads/')) return 'branch';
  return 'other';
}

/** `refs/heads/feat/x` → `feat/x`; null for anything that is not a branch ref. */
export function branchName(ref: string): string | null {
  return ref.startsWith('refs/heads/') ? ref.slice('refs/heads/'.length) : null;
}
