// PID files that can tell a live watcher from a dead one and from a PID the kernel reused:
// we record the process start time next to the PID and compare it on every check.
import { nodeChildProcess } from '../lazyBuiltins.js';
import { existsSync, readFileSync, unlinkSync } from 'node:fs';
import { writeFileAtomic } from './atomicWrite.js';
import { isErrno } from '../errors.js';

export interface PidInfo {
  pid: number;
  /** Opaque process start stamp (Linux: /proc/<pid>/stat field 22; elsewhere `ps -o lstart`). */
  startTime: string | null;
  startedAt: string;
}

export type Liveness = 'alive' | 'dead' | 'reused';

const HAS_PROC = existsSync('/proc/self/stat');

export function processStartTime(pid: number): string | null {
  if (HAS_PROC) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      // comm (field 2) may contain spaces and parentheses: count fields after the last ')'.
      const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      return rest[19] ?? null; // field 22 overall = index 19 after pid, comm
    } catch {
      return null; // the process is gone
    }
  }
  // No /proc (macOS, BSD): ps prints the start time.
  try {
    return (
      nodeChildProcess()
        .execFileSync('ps', ['-o', 'lstart=', '-p', String(pid)], {
          encoding: 'utf8',
          stdio: ['ignore', 'pipe', 'ignore'],
        })
        .trim() || null
    );
  } catch {
    return null; // no ps, or the process is gone: no start time, so liveness rests on kill(0)
  }
}

export function writePidFile(path: string, info: Omit<PidInfo, 'startTime'>): PidInfo {
  const full: PidInfo = { ...info, startTime: processStartTime(info.pid) };
  writeFileAtomic(path, `${JSON.stringify(full)}\n`);
  return full;
}

/** Reads a PID file; null when absent or not ours (a corrupt one is treated as absent and left for cleanup). */
export function readPidFile(path: string): PidInfo | null {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if (isErrno(error, 'ENOENT') || isErrno(error, 'ENOTDIR')) return null;
    throw error;
  }
  try {
    const value = JSON.parse(text) as Partial<PidInfo>;
    if (Number.isInteger(value.pid) && (value.pid as number) > 0) {
      return { pid: value.pid as number, startTime: value.startTime ?? null, startedAt: String(value.startedAt ?? '') };
    }
  } catch {
    /* half-written or not ours: read as no registration, like a missing file (its writer rewrites it whole) */
  }
  return null;
}

export function isPidRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return isErrno(error, 'EPERM'); // exists, owned by someone else
  }
}

/** Running and not a zombie (exited, not yet reaped by its parent): a process that can still act. */
export function isPidLive(pid: number): boolean {
  return isPidRunning(pid) && processState(pid) !== 'Z';
}

export function liveness(info: PidInfo): Liveness {
  if (!isPidRunning(info.pid)) return 'dead';
  const now = processStartTime(info.pid);
  if (info.startTime !== null && now !== null && now !== info.startTime) return 'reused';
  // A zombie (exited, not yet reaped by its parent) is not a live monitor.
  if (processState(info.pid) === 'Z') return 'dead';
  return 'alive';
}

/** The process's state letter from /proc/<pid>/stat (R, S, D, T stopped, t traced, Z zombie); null without /proc. */
export function processState(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) || null;
  } catch {
    return null; // no /proc, or the process is gone: trust kill(0)
  }
}

/** Resident memory of a process in bytes (Linux /proc); null where it cannot be read. */
export function residentBytes(pid: number): number | null {
  try {
    const kb = /^VmRSS:\s+(\d+)\s+kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return kb ? Number(kb) * 1024 : null;
  } catch {
    return null; // no /proc, or the process is gone: unknown, which the caller reports as such
  }
}

export function removeFile(path: string): boolean {
  try {
    unlinkSync(path);
    return true;
  } catch (error) {
    if (isErrno(error, 'ENOENT')) return false;
    throw error;
  }
}
