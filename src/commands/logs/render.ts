// logs' output: the log text (or its last lines) on stdout, a missing stage's reason on stderr; --json one object.
import type { Deps } from '../../deps.js';
import { shortSha } from '../../kernel/format.js';
import { type LogPart, logText, presentTypes } from '../../store/logParts.js';
import * as msg from '../../kernel/messages.js';

export interface LogsResult {
  sha: string;
  deploymentId: string;
  types: string[];
  complete: boolean;
  reason: string | null;
  /** Each stage's log, or why it could not be had, in order. */
  parts: LogPart[];
  /** runs/<sha>.log when the text was written there. */
  logFile: string | null;
  /** True when the parts were already printed as they came. */
  printed: boolean;
}

export function renderLogs(r: LogsResult, tail: number | null, deps: Deps): void {
  const lines = logText(r.parts).split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  const shown = tail === null ? lines : lines.slice(lines.length - Math.min(tail, lines.length));
  const present = presentTypes(r.parts);
  // partial: some stage's log is here, another's is not (its reason says why).
  const outcome = r.complete ? 'fetched' : present.length > 0 ? 'partial' : 'missing';
  if (deps.globals.json) {
    const { parts: _parts, printed: _printed, ...rest } = r;
    deps.stdout.write(`${JSON.stringify({ ...rest, outcome, parts: present, lines: shown })}\n`);
    return;
  }
  if (!r.printed && shown.length > 0) deps.stdout.write(`${shown.join('\n')}\n`);
  if (r.complete || !r.reason) return;
  const short = shortSha(r.sha);
  deps.stderr.write(
    `${outcome === 'partial' ? msg.logsPartial(short, present, r.reason) : msg.logsNotFetched(short, r.reason)}\n`,
  );
}

export function renderNoDeployment(sha: string, deps: Deps): void {
  const message = msg.noDeploymentKnown(shortSha(sha));
  if (deps.globals.json)
    deps.stdout.write(`${JSON.stringify({ sha, deploymentId: null, outcome: 'not_found', message })}\n`);
  else deps.stderr.write(`${message}\n`);
}

export function renderStillRunning(sha: string, deploymentId: string, phase: string, deps: Deps): void {
  const message = msg.logsStillRunning(shortSha(sha), deploymentId, phase);
  if (deps.globals.json)
    deps.stdout.write(`${JSON.stringify({ sha, deploymentId, outcome: 'in_progress', message })}\n`);
  else deps.stderr.write(`${message}\n`);
}
