// The small cache that lets the pre-push hook's shell decide a deploy-branch push without starting Node
// (see prePushBlock in huskyHook.ts). The Node side writes it whenever it runs the hook and the cache no
// longer matches the config files' signature, which the shell computes (size and mtime to the
// nanosecond, by `stat`) and passes in DEPLOY_WATCH_HOOK_SIG. One value a line, so `read` can take it.
import { readFileSync, rmSync, statSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { writeFileAtomic } from '../core/atomicWrite.js';
import { CONFIG_FILE } from '../core/rawConfig.js';

export const CACHE_FILE = 'deploy-watch-pre-push.cache';
export const CACHE_VERSION = 'deploy-watch pre-push cache 1';
/** Where the short sha goes in the cached message (no shell-special characters). */
export const SHA_MARK = '@SHA@';
/**
 * The config files' signature, run by the hook in the work tree's top: GNU stat, else BSD/macOS stat.
 * Empty output (neither works, or no file at all) means "unsure": the hook then always takes the Node path.
 */
export const SIGNATURE_SH = `stat --printf '%n %s %y|' -- ${CONFIG_FILE} package.json || stat -n -f '%N %z %Fm|' -- ${CONFIG_FILE} package.json`;
export const SIGNATURE_ENV = 'DEPLOY_WATCH_HOOK_SIG';

export interface CacheValues {
  remote: string;
  branch: string;
  /** The node binary and deploy-watch bin the watcher runs with. */
  node: string;
  bin: string;
  /** The line the hook prints, with SHA_MARK where the short sha goes. */
  message: string;
}

/** The git dir of the work tree at `top`, as the hook's shell finds it (`.git`, or the `gitdir:` of a .git file). */
export function gitDirOf(top: string): string | null {
  const dotGit = join(top, '.git');
  try {
    if (statSync(dotGit).isDirectory()) return dotGit;
    const line = readFileSync(dotGit, 'utf8').split('\n')[0] ?? '';
    if (!line.startsWith('gitdir: ')) return null;
    const dir = line.slice('gitdir: '.length);
    return isAbsolute(dir) ? dir : join(top, dir);
  } catch {
    return null;
  }
}

export function cacheText(signature: string, v: CacheValues): string | null {
  const values = [CACHE_VERSION, signature, v.remote, v.branch, v.node, v.bin, v.message];
  return values.some((s) => s === '' || s.includes('\n')) ? null : `${values.join('\n')}\n`;
}

/**
 * Brings the cache in line with what the Node side just read; `signature` is the one the shell computed
 * before Node read the config, so a change in between leaves a cache that no longer matches, never a
 * wrong one. With no signature, or values a line cannot hold, the cache is removed.
 */
export function refreshHookCache(top: string, signature: string | undefined, values: CacheValues | null): void {
  const dir = gitDirOf(top);
  if (!dir) return;
  const file = join(dir, CACHE_FILE);
  const text = signature && values ? cacheText(signature, values) : null;
  let current: string | null = null;
  try {
    current = readFileSync(file, 'utf8');
  } catch {
    /* none yet */
  }
  if (text === current) return;
  if (text === null) rmSync(file, { force: true });
  else writeFileAtomic(file, text);
}
