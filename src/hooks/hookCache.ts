// The small cache that lets the pre-push hook's shell decide a deploy-branch push without starting Node
// (see prePushBlock in huskyHook.ts). It is a shell file the hook sources: one `.`, where `read` would
// cost a system call a byte. It stays in step with the config without a `stat` process in the hook: the
// cache file's mtime is set just below the config source's mtime, as Node saw it before reading the
// config, and a mark file's just above it; the hook's `test -nt`/`-ot` builtins (to the nanosecond in dash
// and bash; a shell that compares seconds never finds a mtime strictly between the two) then confirm that
// the source's mtime has not moved, so an edit, even within the same second, makes the cache stale.
import { CONFIG_ENV_OVERRIDES } from '../kernel/config/defaults.js';
import { readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { writeFileAtomic } from '../kernel/fs/atomicWrite.js';
import { isErrno } from '../kernel/errors.js';
import { CONFIG_FILE } from '../kernel/config/rawConfig.js';

export const CACHE_FILE = 'deploy-watch-hook-cache.sh';
export const CACHE_VERSION = 'deploy-watch pre-push cache 3';
/** Where the short sha goes in the cached message (no shell-special characters). */
export const SHA_MARK = '@SHA@';
/**
 * What a configured source needs from the environment, as the cache's `need` lists them: the hook's shell
 * takes over only when one of them is there now (a token set when the cache was written may be gone).
 */
export const NEEDS = { nothing: '-', doToken: 'do', databaseUrl: 'db' } as const;
/**
 * Environment overrides that change which sources there are, or where the push goes: while one is set the
 * hook takes the Node path (which reads them) and writes no cache.
 */
export const HOOK_ENV_OVERRIDES = CONFIG_ENV_OVERRIDES;
/** The line-based cache of earlier versions, removed when this one is written. */
const OLD_CACHE_FILE = 'deploy-watch-pre-push.cache';
const MARK_PREFIX = 'deploy-watch-hook-cache.';
const MARK_SUFFIX = '.mark';
/** How far below and above the source's mtime the two files' mtimes go (fs timestamps take microseconds). */
const MARGIN_NS = 2_000n;

/** The file the config comes from, as `readRawConfig` picks it, and its mtime when Node looked. */
export interface SourceStamp {
  file: typeof CONFIG_FILE | 'package.json';
  mtimeNs: bigint;
}

export interface CacheValues {
  remote: string;
  branch: string;
  /** The node binary and deploy-watch bin the post-push step runs with. */
  node: string;
  bin: string;
  /** The line the hook prints, with SHA_MARK where the short sha goes. */
  message: string;
  /** The state folder (without DEPLOY_WATCH_STATE_DIR, which the hook reads itself): it must be writable. */
  state: string;
  /** What any one configured source needs from the environment (see READY_NEEDS): one must be there. */
  need: string;
  /** `branchPattern` as a POSIX ERE both read alike (shellPattern.ts), or null: other branches take Node. */
  ere: string | null;
}

/**
 * Taken before the config is read, so a change in between leaves a cache that no longer matches, never a
 * wrong one. The config file when there is one (package.json then does not matter), else package.json
 * (the hook then also checks that no config file appeared); null when neither can be used.
 */
export function stampConfigSource(top: string): SourceStamp | null {
  for (const file of [CONFIG_FILE, 'package.json'] as const) {
    try {
      return { file, mtimeNs: statSync(join(top, file), { bigint: true }).mtimeNs };
    } catch (error) {
      if (!isErrno(error, 'ENOENT')) return null;
    }
  }
  return null;
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
    // no readable .git here: no git dir, which every caller handles
    return null;
  }
}

const markOf = (stamp: SourceStamp) => `${MARK_PREFIX}${stamp.mtimeNs}${MARK_SUFFIX}`;
const quote = (s: string) => `'${s.replaceAll("'", `'\\''`)}'`;
const seconds = (ns: bigint) => Number(ns) / 1e9;

/** The sourced text; the version comes last, so a file cut short is never taken for a current one. */
export function cacheText(stamp: SourceStamp, v: CacheValues): string | null {
  const values = {
    src: stamp.file,
    mark: markOf(stamp),
    remote: v.remote,
    branch: v.branch,
    node: v.node,
    bin: v.bin,
    msg: v.message,
    state: v.state,
    need: v.need,
    // Never empty, as the shell sees it: `=` and the ERE, or `-` for none.
    ere: v.ere === null ? '-' : `=${v.ere}`,
  };
  if (Object.values(values).some((s) => s === '' || s.includes('\n'))) return null;
  const lines = Object.entries(values).map(([key, value]) => `dw_${key}=${quote(value)}`);
  return `${[...lines, `dw_v=${quote(CACHE_VERSION)}`].join('\n')}\n`;
}

/** Whether the cache and its mark hold mtimes strictly around the stamped one (a coarse filesystem does not). */
function bracketed(dir: string, stamp: SourceStamp): boolean {
  try {
    const below = statSync(join(dir, CACHE_FILE), { bigint: true }).mtimeNs;
    const above = statSync(join(dir, markOf(stamp)), { bigint: true }).mtimeNs;
    return below < stamp.mtimeNs && stamp.mtimeNs < above;
  } catch {
    // a stamp file missing or unreadable: the cache is not current, so the hook asks again
    return false;
  }
}

/** Removes the marks of earlier stamps (and the old cache); a hook still reading one then takes the Node path. */
function removeOthers(dir: string, keep: string | null): void {
  for (const name of readdirSync(dir)) {
    const stale = name.startsWith(MARK_PREFIX) && name.endsWith(MARK_SUFFIX) && name !== keep;
    if (stale || name === OLD_CACHE_FILE) rmSync(join(dir, name), { force: true });
  }
}

/**
 * Brings the cache in line with what the Node side just read from the source `stamp` describes. Each file
 * appears with its final mtime (written aside, renamed in), so no reader sees a wider window than the
 * stamp's. With no stamp, or values a line cannot hold, the cache is removed.
 */
export function refreshHookCache(top: string, stamp: SourceStamp | null, values: CacheValues | null): void {
  const dir = gitDirOf(top);
  if (!dir) return;
  const file = join(dir, CACHE_FILE);
  const text = stamp && values ? cacheText(stamp, values) : null;
  if (!stamp || text === null) {
    rmSync(file, { force: true });
    removeOthers(dir, null);
    return;
  }
  let current: string | null = null;
  try {
    current = readFileSync(file, 'utf8');
  } catch {
    /* none yet */
  }
  if (text === current && bracketed(dir, stamp)) return;
  writeFileAtomic(join(dir, markOf(stamp)), '', 0o644, seconds(stamp.mtimeNs + MARGIN_NS));
  writeFileAtomic(file, text, 0o644, seconds(stamp.mtimeNs - MARGIN_NS));
  if (bracketed(dir, stamp)) removeOthers(dir, markOf(stamp));
  else rmSync(file, { force: true });
}
