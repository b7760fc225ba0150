// logs' output: the log text (or its last lines) on stdout, a missing stage's reason on stderr; --json one object.
import type { Deps } from '../../core/deps.js';
import { shortSha } from '../../core/format.js';
import * as msg from '../../core/messages.js';

export interface LogsResult {
  sha: string;
  deploymentId: string;
  types: string[];
  complete: boolean;
  reason: string | null;
  text: string;
  /** runs/<sha>.log when the text was written there. */
  logFile: string | null;
  /** True when --follow already printed the text as it came. */
  streamed: boolean;
}

export function renderLogs(r: LogsResult, tail: number | null, deps: Deps): void {
  const lines = r.text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  const shown = tail === null ? lines : lines.slice(lines.length - Math.min(tail, lines.length));
  if (deps.globals.json) {
    const { text: _text, streamed: _streamed, ...rest } = r;
    deps.stdout.write(`${JSON.stringify({ ...rest, outcome: r.complete ? 'fetched' : 'missing', lines: shown })}\n`);
    return;
  }
  if (!r.streamed && shown.length > 0) deps.stdout.write(`${shown.join('\n')}\n`);
  if (!r.complete && r.reason) deps.stderr.write(`${msg.logsNotFetched(shortSha(r.sha), r.reason)}\n`);
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
