// `deploy-watch check [sha]`: reads the status record and answers with check's exit codes.
import type { Deps } from '../../deps.js';
import { resolveCommit } from '../../store/commitRef.js';
import type { ConfigError } from '../../kernel/errors.js';
import { configVerdict } from '../../kernel/config/configVerdict.js';
import * as msg from '../../kernel/messages.js';
import { EXIT } from '../../kernel/exitCodes.js';
import { monitorStarting } from '../../store/monitorStarting.js';
import { evaluate, type Evaluation } from '../../store/outcome.js';
import { waitForOutcome, type EnsureWatched } from '../../store/waitForOutcome.js';
import { renderCheck } from './render.js';

export interface CheckOptions {
  commit?: string;
  /** Seconds to wait for a final outcome; undefined: answer at once. */
  wait?: number;
}

export const LOG_TAIL_LINES = 20;

/** check as the command line calls it: with --wait, a pushed commit nobody watches gets a monitor (loaded only then). */
export async function runCheckCall(options: CheckOptions, deps: Deps): Promise<number> {
  const ensureWatched = options.wait
    ? (await import('../../hooks/ensureWatched.js')).makeEnsureWatched(deps)
    : undefined;
  return runCheck(options, deps, ensureWatched);
}

export async function runCheck(options: CheckOptions, deps: Deps, ensureWatched?: EnsureWatched): Promise<number> {
  const repo = deps.repo();
  const store = deps.store();
  const sha = await resolveCommit(options.commit, { git: deps.git(), store, head: repo.head });
  let evaluation = await evaluate(store, sha, deps.now());
  if (options.wait !== undefined && options.wait > 0) {
    evaluation = await waitForOutcome(store, sha, options.wait * 1000, deps, { first: evaluation, ensureWatched });
  }
  if (evaluation.unknown === 'no-record') evaluation = await startingOr(evaluation, deps);
  // Without an outcome the config may be why: with no record it is the answer (78, the file and key);
  // with one, the record answers and the config problem is a warning. Outcomes never load the config.
  if (evaluation.outcome === 'not_found' && evaluation.unknown !== 'corrupt') {
    const problem = await configProblem(deps);
    if (problem && evaluation.unknown === 'no-record') throw problem;
    if (problem) deps.stderr.write(`${msg.configInvalidWithRecord(problem.message)}\n`);
  }
  const logTail = evaluation.outcome === 'failed' ? await store.tailLog(sha, LOG_TAIL_LINES) : null;
  renderCheck(evaluation, logTail, { deps, waitedSeconds: options.wait ?? null });
  return evaluation.exitCode;
}

/** No record yet, but a monitor on its way (the second after a push): in progress, exit 2, with no record. */
async function startingOr(evaluation: Evaluation, deps: Deps): Promise<Evaluation> {
  const starting = await monitorStarting(deps.store(), deps.stateDir(), evaluation.sha, deps.now());
  if (!starting) return evaluation;
  return { ...evaluation, outcome: 'in_progress', exitCode: EXIT.inProgress, unknown: null, monitorPid: starting.pid };
}

/** Through the verdict kept in the git dir: zod (deps.config) only when the config or its environment changed. */
async function configProblem(deps: Deps): Promise<ConfigError | null> {
  const repo = deps.repo();
  return configVerdict(repo.topLevel, repo.commonDir, deps.env, () => deps.config());
}
