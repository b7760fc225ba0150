// What would stop the post-push step's commit from being followed, checked by the pre-push hook only for a push to
// the deploy branch, so its one line can say so at push time instead of promising to watch: an invalid
// config (the file and key), no source configured, a state folder that is not a folder.
import { accessSync, constants, existsSync, statfsSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import * as msg from '../kernel/messages.js';
import { commonDirOf } from '../git/repoFiles.js';
import { STATE_DIR_NAME } from '../store/files/stateDir.js';
import { gitDirOf, NEEDS } from './hookCache.js';

/**
 * Ready: what the shell path must find to take over later (the state folder as found without
 * DEPLOY_WATCH_STATE_DIR, null when the files cannot tell; what the sources need from the environment).
 */
export type Readiness =
  | { ok: true; stateDir: string | null; need: string[] }
  | { ok: false; line: (short: string) => string };

/**
 * The state folder as the hook finds it without a git call and without DEPLOY_WATCH_STATE_DIR (as the shell
 * path's cache holds it): in the clone's common git dir (shared by all its worktrees; git gives a linked
 * worktree's hooks GIT_DIR), as the monitor will; null when the files cannot tell.
 */
export function hookStateDir(topLevel: string, env: NodeJS.ProcessEnv): string | null {
  const gitDir = env.GIT_DIR ? resolve(topLevel, env.GIT_DIR) : gitDirOf(topLevel);
  const commonDir = env.GIT_COMMON_DIR || (gitDir && commonDirOf(gitDir));
  return commonDir ? join(commonDir, STATE_DIR_NAME) : null;
}

/** `stateDir`: hookStateDir's answer, found once by the hook for this and for the push's mark. */
export async function watchReadiness(
  topLevel: string,
  env: NodeJS.ProcessEnv,
  stateDir: string | null,
): Promise<Readiness> {
  const stateProblem = stateDirProblem(env.DEPLOY_WATCH_STATE_DIR || stateDir);
  if (stateProblem) return { ok: false, line: (short) => msg.hookStateDirUnusable(short, stateProblem) };
  // import()ed: in the hook's CommonJS bundle these modules (and zod under them) are evaluated only here, so
  // only a push to the deploy branch pays for them.
  const { loadConfig } = await import('../kernel/config/config.js');
  const { noSourceReason } = await import('../sources/configured.js');
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig(topLevel, env);
  } catch (error) {
    return { ok: false, line: (short) => msg.hookConfigInvalid(short, (error as Error).message) };
  }
  const noSource = noSourceReason(config);
  if (noSource) return { ok: false, line: (short) => msg.hookNoSource(short, noSource) };
  const need = [
    ...(config.health ? [NEEDS.nothing] : []),
    ...(config.digitalocean ? [NEEDS.doToken] : []),
    ...(config.database ? [NEEDS.databaseUrl] : []),
  ];
  return { ok: true, stateDir, need };
}

/**
 * The state folder must be a folder the monitor can write (or not exist yet, under a folder it can
 * write), on a disk with room. Found without a git call, in the clone's common git dir (shared by all
 * its worktrees; git gives a linked worktree's hooks GIT_DIR), as the monitor will; a layout the files
 * cannot tell (null) leaves it to the monitor.
 */
function stateDirProblem(dir: string | null): string | null {
  if (!dir) return null;
  let existing = dir;
  try {
    if (!statSync(dir).isDirectory()) return msg.stateDirUnusable(dir, 'ENOTDIR', 'not a folder');
    const runs = join(dir, 'runs');
    accessSync(dir, constants.W_OK);
    if (existsSync(runs)) accessSync(runs, constants.W_OK);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'ENOENT') return msg.stateDirUnusable(dir, code ?? 'error', (error as Error).message);
    existing = dirname(dir); // made by the monitor: its parent must take it
    try {
      accessSync(existing, constants.W_OK);
    } catch (parentError) {
      const parentCode = (parentError as NodeJS.ErrnoException).code ?? 'error';
      return parentCode === 'ENOENT' ? null : msg.stateDirUnusable(dir, parentCode, (parentError as Error).message);
    }
  }
  try {
    const fs = statfsSync(existing);
    if (fs.blocks > 0 && fs.bavail === 0) return msg.stateDirDiskFull(dir);
  } catch {
    /* no statfs here: the monitor finds out */
  }
  return null;
}
