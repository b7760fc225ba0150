// The conflicted paths of a stopped rebase, with their index stages (`git ls-files -u`):
// stage 1 the base, stage 2 "ours" (during a rebase: the upstream), stage 3 "theirs" (the local
// commit being replayed).
import type { Git } from '../git/git.js';

export interface Stage {
  mode: string;
  blob: string;
}

export interface UnmergedPath {
  path: string;
  stages: Partial<Record<1 | 2 | 3, Stage>>;
}

export async function listUnmerged(git: Git): Promise<UnmergedPath[]> {
  const out = await git.run(['ls-files', '-u', '-z']);
  const byPath = new Map<string, UnmergedPath>();
  for (const entry of out.stdout.split('\0')) {
    const m = /^(\d+) ([0-9a-f]+) ([123])\t([\s\S]+)$/.exec(entry);
    if (!m) continue;
    const path = m[4]!;
    const item = byPath.get(path) ?? { path, stages: {} };
    item.stages[Number(m[3]) as 1 | 2 | 3] = { mode: m[1]!, blob: m[2]! };
    byPath.set(path, item);
  }
  return [...byPath.values()];
}
