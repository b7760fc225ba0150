// The same rules as git merge drivers, so a plain `git pull --rebase` or `git merge` resolves
// these files as `deploy-watch push` does. `.gitattributes` names the driver per path; the
// driver's command lives in the clone's local config (git never reads commands from the tree).
import type { Git } from '../../git/git.js';
import type { MergeRule } from './rules.js';
import { STRATEGIES, type Strategy } from './strategies.js';
import { binPath } from '../../kernel/packageRoot.js';

export const driverName = (strategy: Strategy) => `deploy-watch-${strategy}`;

/** One `.gitattributes` line per glob, e.g. `ROADMAP.md merge=deploy-watch-checklist`. */
export function gitattributesLines(rules: readonly MergeRule[]): string[] {
  const lines: string[] = [];
  for (const rule of rules) {
    for (const glob of rule.paths) {
      const line = `${glob} merge=${driverName(rule.strategy)}`;
      if (!lines.includes(line)) lines.push(line);
    }
  }
  return lines;
}

const sq = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/**
 * The driver's shell command. Absolute paths of node and of this package's bin: no PATH lookup,
 * no npx start-up cost, and the Node that installed it. If they go stale (Node upgraded, package
 * moved) the shell exits 126/127, and the fallback runs git's own merge-file, which leaves
 * conflict markers in %A: never a non-zero exit with %A silently holding only one side.
 */
export function driverCommand(strategy: Strategy, node = process.execPath, bin = binPath()): string {
  const ours = `${sq(node)} ${sq(bin)} merge-driver ${strategy} %O %A %B %P`;
  return `${ours} || { rc=$?; [ $rc -lt 126 ] && exit $rc; git merge-file -L ours -L base -L theirs %A %O %B; }`;
}

/** Sets merge.deploy-watch-<strategy>.{name,driver} in the repository's local config. */
export async function installMergeDrivers(git: Git, node = process.execPath, bin = binPath()): Promise<void> {
  for (const strategy of STRATEGIES) {
    const key = `merge.${driverName(strategy)}`;
    await git.run(['config', '--local', `${key}.name`, `deploy-watch ${strategy} merge (no line lost)`]);
    await git.run(['config', '--local', `${key}.driver`, driverCommand(strategy, node, bin)]);
  }
}
