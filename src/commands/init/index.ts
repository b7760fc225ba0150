// `deploy-watch init [--dry-run]`: installs deploy-watch into the current repository (Husky, the
// pre-push hook, a config template). Idempotent: a second run writes nothing and changes no byte.
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Deps } from '../../deps.js';
import { EXIT } from '../../kernel/exitCodes.js';
import * as msg from '../../kernel/messages.js';
import { installMergeDrivers } from '../../push/merge/mergeDrivers.js';
import { packageRoot } from '../../kernel/packageRoot.js';
import { copyRunners, hasRunner, listWorktrees } from '../../hooks/worktreeRunners.js';
import { planAgentGuides } from './agentGuide.js';
import { listsDeployWatch } from './packageJson.js';
import { installedSpec } from './selfSpec.js';
import { actionOf, planInit, readText, type FileChange } from './plan.js';

export interface InitOptions {
  dryRun: boolean;
  /** Also write the agent instructions section (AGENTS.md, CLAUDE.md when present). */
  agents?: boolean;
}

export type HuskyState = 'activated' | 'would-activate' | 'not-installed';

export async function runInit(o: InitOptions, deps: Deps): Promise<number> {
  const top = deps.repo().topLevel;
  const config = await deps.config(); // an invalid existing config stops init here, with the key named
  const changes = [
    ...planInit(top, config.conflicts.rules, installedSpec(packageRoot(), top)),
    ...(o.agents ? planAgentGuides(top, readText) : []),
  ];
  // Not listed and its spec unknown (this copy runs from a clone): the hook would find no deploy-watch.
  const unlisted = !listsDeployWatch(changes.find((c) => c.path === 'package.json')!.after);
  if (!o.dryRun) {
    for (const c of changes) if (actionOf(c) !== 'unchanged') write(join(top, c.path), c.after);
    makeExecutable(join(top, '.husky', 'pre-push'));
    await installMergeDrivers(deps.git()); // merge.deploy-watch-*.driver in .git/config: same values every run
  }
  const husky = activateHusky(top, o.dryRun, deps.env);
  const worktrees = setUpWorktrees(deps, top, o.dryRun);
  if (deps.globals.json) {
    const files = changes.map((c) => ({
      path: c.path,
      action: actionOf(c),
      what: c.what,
      ...(o.dryRun && actionOf(c) !== 'unchanged' ? { content: c.after } : {}),
    }));
    deps.stdout.write(
      `${JSON.stringify({ dryRun: o.dryRun, files, husky, mergeDrivers: o.dryRun ? 'would-install' : 'installed', worktrees })}\n`,
    );
    return EXIT.success;
  }
  if (deps.globals.quiet) return EXIT.success; // quiet: only errors, and init's errors are thrown
  for (const c of changes) {
    deps.stdout.write(`${msg.initFileLine(c.path, actionOf(c), c.what, o.dryRun)}\n`);
    if (o.dryRun && actionOf(c) !== 'unchanged') deps.stdout.write(indent(c.after));
  }
  deps.stdout.write(`${msg.initHusky(husky)}\n`);
  deps.stdout.write(`${msg.initMergeDrivers(o.dryRun)}\n`);
  if (worktrees.length > 0) deps.stdout.write(`${msg.initWorktrees(worktrees, o.dryRun)}\n`);
  if (!deps.globals.quiet && changes.some((c) => c.path === 'deploy-watch.config.json' && actionOf(c) === 'create')) {
    deps.stdout.write(`${msg.INIT_ADD_SOURCE}\n`);
  }
  if (unlisted) deps.stdout.write(`${msg.initInstallSelf(packageRoot())}\n`);
  return EXIT.success;
}

function write(file: string, text: string): void {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, text);
}

/** git runs only an executable hook, and doctor fails one that is not: r bits gain their x bits (644 → 755). */
function makeExecutable(file: string): void {
  const mode = statSync(file).mode & 0o777;
  if ((mode & 0o111) === 0) chmodSync(file, mode | ((mode & 0o444) >> 2));
}

const indent = (text: string) =>
  `${text
    .replace(/\n$/, '')
    .split('\n')
    .map((l) => `    ${l}`)
    .join('\n')}\n`;

/**
 * Points git at .husky/_ now when husky is installed, as its `prepare` script would on npm install
 * (husky writes the same files every time, so this is idempotent too).
 */
function activateHusky(top: string, dryRun: boolean, env: NodeJS.ProcessEnv): HuskyState {
  const bin = join(top, 'node_modules', 'husky', 'bin.js');
  if (!existsSync(bin)) return 'not-installed';
  if (dryRun) return 'would-activate';
  const r = spawnSync(process.execPath, [bin], { cwd: top, env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  return r.status === 0 ? 'activated' : 'not-installed';
}

/**
 * Husky's runner in every other worktree of the clone that lacks it (git runs no hook there otherwise),
 * copied from this work tree's, or from the first worktree that has one. Returns the worktrees set up
 * (or, on a dry run, that would be).
 */
function setUpWorktrees(deps: Deps, top: string, dryRun: boolean): string[] {
  const tops = listWorktrees(deps.git());
  const lacking = tops.filter((t) => !hasRunner(t));
  const from = hasRunner(top) ? top : tops.find(hasRunner);
  if (!from || lacking.length === 0) return [];
  return dryRun ? lacking : copyRunners(from, lacking);
}

export type { FileChange };
