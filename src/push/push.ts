// `deploy-watch push` and the library API's pushWithRetry, as one function: refuse what is unsafe before
// touching anything, take a turn in the push queue (the machine's, then the team's), push with rebase,
// rule-based merges and retry, and run git's auto-maintenance once after the turn instead of inside it.
// The command renders what this returns; the API returns it.
import { createGit } from '../git/git.js';
import type { Config } from '../kernel/config/config.js';
import type { TeamMode } from '../kernel/config/teamMode.js';
import { exitCodeOf } from './pushExitCode.js';
import { checkPreconditions, type PushTarget } from './preconditions.js';
import { type PushReport, pushWithRetry } from './pushWithRetry.js';
import { machineQueue } from './queue/machineQueue.js';
import type { PushQueue, QueueKey, Turn } from './queue/pushQueue.js';
import { teamPushQueue } from './queue/teamQueue.js';
import { readRepoState } from './repoState.js';

export interface PushRequest {
  remote?: string;
  branch?: string;
  /** false: race the other pushers instead of taking turns in the push queue (--no-queue). */
  queue?: boolean;
}

export interface PushDeps {
  env: NodeJS.ProcessEnv;
  /** Team mode: the machine's line leads into the team's. */
  team: TeamMode | null;
  /** The repository's top folder: `ls-files -u` and friends print paths relative to (and only under) cwd. */
  topLevel: string;
  /** Read after the preconditions pass (a refusal never waits on, or fails over, the config). */
  config(): Promise<Config>;
  now(): number;
  sleep(ms: number): Promise<void>;
  random(): number;
  warn(message: string): void;
  /** Waits in line for the turn; null when interrupted while waiting (the ticket already given back). */
  takeTurn(queue: PushQueue, key: QueueKey): Promise<Turn | null>;
  /** Told about each lost race before the wait. */
  onRetry?(attempt: number, reason: string, delayMs: number, maxAttempts: number): void;
}

export type PushRun =
  | { outcome: 'refused'; exitCode: number; message: string }
  | { outcome: 'interrupted' }
  | {
      outcome: 'done';
      target: PushTarget;
      report: PushReport;
      exitCode: number;
      /** How long it waited for its turn (null with --no-queue). */
      queue: { waitedMs: number; ahead: number } | null;
    };

export async function push(request: PushRequest, deps: PushDeps): Promise<PushRun> {
  // Git's automatic maintenance (after fetch, after each rebased commit) would run inside the turn
  // while everyone else waits; it runs once after the push instead (see the finally below).
  const git = createGit(deps.topLevel, withoutAutoMaintenance(deps.env));
  const pre = checkPreconditions(await readRepoState(git), request);
  if (!pre.ok) return { outcome: 'refused', exitCode: pre.exitCode, message: pre.message };
  const config = await deps.config();
  const { conflicts } = config;
  let turn: Turn | null = null;
  const team = request.queue !== false ? teamPushQueue(deps.team, config, deps.env, deps) : null;
  try {
    if (request.queue !== false) {
      const line = await machineQueue(git, deps.topLevel, pre.target, {
        env: deps.env,
        now: deps.now,
        turnTimeoutSeconds: conflicts.turnTimeout,
        team,
      });
      turn = await deps.takeTurn(line.queue, line.key);
      if (!turn) return { outcome: 'interrupted' };
    }
    const report = await pushWithRetry(pre.target, conflicts, {
      git,
      topLevel: deps.topLevel,
      sleep: deps.sleep,
      random: deps.random,
      // The remote has it: the next in line can start while this one checks that it landed.
      onAccepted: async () => void (await turn?.release()),
      onRetry: (attempt, reason, ms) => deps.onRetry?.(attempt, reason, ms, conflicts.maxAttempts),
    });
    const queue = turn && { waitedMs: turn.waitedMs, ahead: turn.aheadAtStart };
    return { outcome: 'done', target: pre.target, report, exitCode: exitCodeOf(report), queue };
  } finally {
    await turn?.release();
    await team?.close();
    if (turn || request.queue === false)
      await createGit(deps.topLevel, deps.env).run(['maintenance', 'run', '--auto', '--quiet'], { allowFailure: true });
  }
}

/** The environment with maintenance.auto=false added through GIT_CONFIG_COUNT (git 2.31+), keeping any given there. */
export function withoutAutoMaintenance(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const n = Number(env.GIT_CONFIG_COUNT ?? 0) || 0;
  return {
    ...env,
    GIT_CONFIG_COUNT: String(n + 1),
    [`GIT_CONFIG_KEY_${n}`]: 'maintenance.auto',
    [`GIT_CONFIG_VALUE_${n}`]: 'false',
  };
}
