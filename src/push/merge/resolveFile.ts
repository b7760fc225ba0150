// Resolves one conflicted file by its rule from the index stages (never from the work-tree copy,
// which may hold only one side), checks that no line was lost, writes it and stages it.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Git } from '../../git/git.js';
import { mergeWith, type Strategy } from './strategies.js';
import type { Stage, UnmergedPath } from '../unmerged.js';
import { hasConflictMarkers, lostLines } from './verify.js';

const REGULAR = new Set(['100644', '100755']);

/** Null when resolved and staged; otherwise why a human must look at it. */
export async function resolveFile(
  git: Git,
  topLevel: string,
  item: UnmergedPath,
  strategy: Strategy,
): Promise<string | null> {
  const { 1: base, 2: ours, 3: theirs } = item.stages;
  if (!ours || !theirs) return 'deleted on one side and changed on the other';
  if (!REGULAR.has(ours.mode) || !REGULAR.has(theirs.mode) || (base && !REGULAR.has(base.mode)))
    return 'not a regular file';
  const [b, o, t] = await Promise.all([base ? blob(git, base) : '', blob(git, ours), blob(git, theirs)]);
  if ([b, o, t].some((text) => text.includes('\0'))) return 'binary content';
  const merged = mergeWith(strategy, b, o, t);
  if (hasConflictMarkers(merged) && !hasConflictMarkers(o) && !hasConflictMarkers(t))
    return 'the merge produced conflict markers';
  const lost = lostLines(strategy, b, o, t, merged);
  if (lost.length > 0) return `the ${strategy} merge would lose ${lost.length} line(s)`;
  writeFileSync(join(topLevel, item.path), merged);
  await git.run(['add', '--', item.path]);
  return null;
}

async function blob(git: Git, stage: Stage): Promise<string> {
  return (await git.run(['cat-file', 'blob', stage.blob])).stdout;
}
