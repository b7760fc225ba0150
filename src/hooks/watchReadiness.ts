// What would stop the post-push monitor from starting, checked by the pre-push hook only for a push to
// the deploy branch, so its one line can say so at push time instead of promising to watch: an invalid
// config (the file and key), no source configured, a state folder that is not a folder.
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import * as msg from '../core/messages.js';
import { packageRoot } from '../core/packageRoot.js';
import { readRepoFromFiles } from '../core/repoFiles.js';
import { STATE_DIR_NAME } from '../core/stateDir.js';

export type Readiness = { ok: true } | { ok: false; line: (short: string) => string };

/**
 * Loaded by path, not by a literal import: the hook's bundle would otherwise load zod on every push.
 * Only pushes to the deploy branch pay for it (a few ms).
 */
async function load<T>(relative: string): Promise<T> {
  return (await import(pathToFileURL(join(packageRoot(), 'build', 'src', relative)).href)) as T;
}

export async function watchReadiness(topLevel: string, env: NodeJS.ProcessEnv): Promise<Readiness> {
  const stateProblem = stateDirProblem(topLevel, env);
  if (stateProblem) return { ok: false, line: (short) => msg.hookStateDirUnusable(short, stateProblem) };
  const { loadConfig } = await load<typeof import('../core/config.js')>('core/config.js');
  const { noSourceReason } = await load<typeof import('../sources/configured.js')>('sources/configured.js');
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig(topLevel, env);
  } catch (error) {
    return { ok: false, line: (short) => msg.hookConfigInvalid(short, (error as Error).message) };
  }
  const noSource = noSourceReason(config);
  return noSource ? { ok: false, line: (short) => msg.hookNoSource(short, noSource) } : { ok: true };
}

/**
 * The state folder must be a folder (or not exist yet). Found without a git call, in the clone's common
 * git dir (shared by all its worktrees), as the monitor will; a layout the files cannot tell leaves it
 * to the monitor.
 */
function stateDirProblem(topLevel: string, env: NodeJS.ProcessEnv): string | null {
  const commonDir = readRepoFromFiles(topLevel, env)?.commonDir;
  if (!env.DEPLOY_WATCH_STATE_DIR && !commonDir) return null;
  const dir = env.DEPLOY_WATCH_STATE_DIR || join(commonDir!, STATE_DIR_NAME);
  try {
    if (statSync(dir).isDirectory()) return null;
    return msg.stateDirUnusable(dir, 'ENOTDIR', 'not a folder');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return code === 'ENOENT' ? null : msg.stateDirUnusable(dir, code ?? 'error', (error as Error).message);
  }
}
