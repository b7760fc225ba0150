// Memory of real processes, read from Linux /proc: VmRSS now and VmHWM (the process's own peak so far).
import { readFileSync } from 'node:fs';

export interface Memory {
  rssMb: number;
  hwmMb: number;
}

/** null when the process is gone (or there is no /proc). */
export function memoryOf(pid: number): Memory | null {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+)\\s+kB`, 'm').exec(status)?.[1] ?? 0);
    return { rssMb: kb('VmRSS') / 1024, hwmMb: kb('VmHWM') / 1024 };
  } catch {
    return null;
  }
}

/** The process's arguments, or null when it is gone. */
export function argsOf(pid: number): string[] | null {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
  } catch {
    return null;
  }
}

/**
 * Every `everyMs`, reads VmRSS of the pids `find` returns that `keep` accepts (given their arguments, read
 * once per pid); afterwards, the peak over samples of the summed VmRSS of any subset, and each pid's VmHWM.
 */
export class RssSampler {
  private readonly samples: Array<Map<number, number>> = [];
  /** Kept pids and their arguments as last read (read every time: a child may not have run exec yet). */
  private readonly args = new Map<number, string[]>();
  /** Each pid's VmHWM as last seen (it only grows while the process lives). */
  readonly hwmMb = new Map<number, number>();
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly find: () => number[],
    private readonly keep: (args: string[]) => boolean,
    everyMs = 50,
  ) {
    this.sample();
    this.timer = setInterval(() => this.sample(), everyMs);
  }

  /** The kept pids alive now. */
  live(): number[] {
    return this.find().filter((pid) => this.kept(pid));
  }

  /** Every kept pid seen, with its arguments. */
  seen(): ReadonlyMap<number, string[]> {
    return this.args;
  }

  stop(): void {
    clearInterval(this.timer);
    this.sample();
  }

  /** The highest summed VmRSS of the pids `which` accepts over all samples (every kept pid by default). */
  peakMb(which: (pid: number) => boolean = () => true): number {
    let peak = 0;
    for (const sample of this.samples) {
      let sum = 0;
      for (const [pid, mb] of sample) if (which(pid)) sum += mb;
      peak = Math.max(peak, sum);
    }
    return peak;
  }

  /** In how many samples the pid was seen (how long it lived, in sampling periods). */
  samplesOf(pid: number): number {
    return this.samples.filter((sample) => sample.has(pid)).length;
  }

  private kept(pid: number): boolean {
    const args = argsOf(pid);
    if (!args || !this.keep(args)) return false;
    this.args.set(pid, args);
    return true;
  }

  private sample(): void {
    const sample = new Map<number, number>();
    for (const pid of this.find()) {
      if (!this.kept(pid)) continue;
      const mem = memoryOf(pid);
      if (!mem || mem.rssMb === 0) continue; // gone, or a zombie
      sample.set(pid, mem.rssMb);
      this.hwmMb.set(pid, mem.hwmMb);
    }
    this.samples.push(sample);
  }
}
