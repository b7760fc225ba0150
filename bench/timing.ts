// Shared timing helpers for the benchmarks: wall time of whole commands, interleaved so that
// machine noise hits the baseline and the subject alike; medians, not means.
import { spawnSync, type SpawnSyncOptions } from 'node:child_process';

/**
 * The environment a timed command runs in: NODE_EXTRA_CA_CERTS removed. Node reads that file at every start
 * (~60 ms on these machines, where the sandbox sets it), which swells the `node -e 0` baseline and flatters
 * every ratio; CI, and most users, have no such variable.
 */
export const benchEnv = (env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv => {
  const { NODE_EXTRA_CA_CERTS: _, ...rest } = env;
  return rest;
};

/** Wall time of one run; throws when the command fails (or exits other than `expect`), so a crash is never timed. */
export function timeCommand(cmd: string, args: string[], opts: SpawnSyncOptions & { expect?: number } = {}): number {
  const start = process.hrtime.bigint();
  const r = spawnSync(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'], ...opts, env: benchEnv(opts.env) });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (r.error) throw r.error;
  if (r.status !== (opts.expect ?? 0))
    throw new Error(`${cmd} ${args.join(' ')} exited ${r.status}: ${String(r.stderr ?? '').slice(0, 500)}`);
  return ms;
}

export function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** Runs each named command `rounds` times, interleaved, after one warm-up each; returns medians in ms. */
export function compare(commands: Record<string, () => number>, rounds: number): Record<string, number> {
  const samples: Record<string, number[]> = {};
  for (const [name, run] of Object.entries(commands)) {
    run();
    samples[name] = [];
  }
  for (let i = 0; i < rounds; i++) for (const [name, run] of Object.entries(commands)) samples[name]!.push(run());
  return Object.fromEntries(Object.entries(samples).map(([name, v]) => [name, median(v)]));
}

export const fmt = (ms: number) => `${ms.toFixed(1)} ms`;
