// Husky's runner (.husky/_: the hook stubs git runs and their `h`) in every worktree of a clone. Husky
// makes it where `npm install` runs, and git ignores it, so a `git worktree add` starts without one and
// git runs no hook there, deploy-watch's pre-push included. `init` copies it into each worktree that lacks
// it; init's .husky/post-checkout block does the same for worktrees added later (huskyHook.ts).
import { copyFileSync, existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Git } from '../git/git.js';
import { HUSKY_RUNNER_DIR } from './huskyHook.js';

/** The runner is there when its `h` and the pre-push stub are. */
export function hasRunner(top: string): boolean {
  return existsSync(join(top, HUSKY_RUNNER_DIR, 'h')) && existsSync(join(top, HUSKY_RUNNER_DIR, 'pre-push'));
}

/** The work trees of the clone (`git worktree list`), main first; gone or bare ones left out. */
export function listWorktrees(git: Git): string[] {
  const r = git.runSync(['worktree', 'list', '--porcelain'], { allowFailure: true });
  if (r.exitCode !== 0) return [];
  const tops: string[] = [];
  for (const entry of r.stdout.split('\n\n')) {
    const lines = entry.split('\n');
    const top = lines.find((l) => l.startsWith('worktree '))?.slice('worktree '.length);
    if (top && !lines.includes('bare') && existsSync(join(top, '.git'))) tops.push(top);
  }
  return tops;
}

/**
 * Copies the runner from `from` (a work tree that has one) into each of `tops` that lacks it; returns
 * the work trees it set up. The files are husky's own, byte for byte, with their modes.
 */
export function copyRunners(from: string, tops: readonly string[]): string[] {
  const source = join(from, HUSKY_RUNNER_DIR);
  const done: string[] = [];
  for (const top of tops) {
    if (top === from || hasRunner(top)) continue;
    const target = join(top, HUSKY_RUNNER_DIR);
    mkdirSync(target, { recursive: true });
    for (const name of readdirSync(source)) {
      const file = join(source, name);
      if (!statSync(file).isFile()) continue;
      copyFileSync(file, join(target, name));
    }
    done.push(top);
  }
  return done;
}
