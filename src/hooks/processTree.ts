// Finds the `git push` process that ran this hook: git → husky's wrapper (sh) → `sh -e .husky/pre-push`
// → deploy-watch. The post-push step waits for that process to end before it looks at the result.
import { nodeChildProcess } from '../kernel/lazyBuiltins.js';
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { processStartTime } from '../kernel/fs/pidFile.js';

export interface ProcessRef {
  pid: number;
  /** Start stamp: PIDs are reused, and a PID alone could name another process than the push. */
  startTime: string | null;
}

interface ProcInfo {
  ppid: number;
  argv: string[];
}

const MAX_DEPTH = 8;

function procInfo(pid: number): ProcInfo | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
    return { ppid, argv };
  } catch {
    /* no /proc (macOS, BSD): ask ps */
  }
  try {
    const out = nodeChildProcess()
      .execFileSync('ps', ['-o', 'ppid=,args=', '-p', String(pid)], {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'ignore'],
      })
      .trim();
    const match = /^(\d+)\s+(.*)$/.exec(out);
    return match ? { ppid: Number(match[1]), argv: match[2]!.split(/\s+/) } : null;
  } catch {
    // no ps, or the process is gone: unknown parent, and the caller goes on without it
    return null;
  }
}

export function isGitPush(argv: readonly string[]): boolean {
  const name = basename(argv[0] ?? '');
  return (
    (name === 'git' || name === 'git.exe' || name === 'git-push') &&
    (name === 'git-push' || argv.slice(1).includes('push'))
  );
}

/** Walks up from `start` (the hook's parent) to the nearest `git push`; null when there is none. */
export function findPushProcess(start: number): ProcessRef | null {
  let pid = start;
  for (let depth = 0; depth < MAX_DEPTH && pid > 1; depth++) {
    const info = procInfo(pid);
    if (!info) return null;
    if (isGitPush(info.argv)) return { pid, startTime: processStartTime(pid) };
    pid = info.ppid;
  }
  return null;
}

/** Clock ticks per second of /proc's start times: 100 on every Linux that Node supports. */
const CLOCK_TICKS = 100;

/**
 * When a process started (epoch ms), from its /proc start stamp (clock ticks since boot) and the boot
 * time in /proc/stat; null without /proc or for a stamp of another kind (ps's, on macOS).
 */
export function startedAtMs(startTime: string | null): number | null {
  if (!startTime || !/^\d+$/.test(startTime)) return null;
  try {
    const btime = /^btime (\d+)$/m.exec(readFileSync('/proc/stat', 'utf8'));
    return btime ? Number(btime[1]) * 1000 + (Number(startTime) * 1000) / CLOCK_TICKS : null;
  } catch {
    // no /proc (not Linux): start time unknown, which callers accept
    return null;
  }
}
