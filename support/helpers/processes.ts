// Processes a test or the demo caused, found by their working folder (Linux /proc): the watchers and
// monitors that run detached, so no parent PID leads to them.
import { readdirSync, readlinkSync } from 'node:fs';

/** Every process (but this one) whose working folder is `root` or inside it; [] where there is no /proc. */
export function processesUnder(root: string): number[] {
  let names: string[];
  try {
    names = readdirSync('/proc');
  } catch {
    return [];
  }
  const pids: number[] = [];
  for (const name of names) {
    if (!/^\d+$/.test(name) || Number(name) === process.pid) continue;
    try {
      const cwd = readlinkSync(`/proc/${name}/cwd`);
      if (cwd === root || cwd.startsWith(`${root}/`)) pids.push(Number(name));
    } catch {
      /* gone, or not ours to read */
    }
  }
  return pids;
}

export function killUnder(root: string): void {
  for (const pid of processesUnder(root)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      /* already gone */
    }
  }
}

/** True while a process with this PID exists (signal 0 only asks). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
