// Tells people when a deployment ends: a configured shell command (record in env vars) and/or a
// Slack-compatible webhook. A failure to notify is logged and never fails the monitor.
import { shortSha } from '../kernel/format.js';
import { redactText } from '../kernel/redact.js';
import type { StatusRecord } from '../store/statusRecord.js';
import { timerMs } from '../kernel/clock.js';

export interface NotifyConfig {
  command: string | null;
  webhook: string | null;
}

export interface NotifyDeps {
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** Where failures go (the tool log). */
  warn(message: string): void;
  timeoutMs?: number;
}

export function recordEnv(record: StatusRecord): Record<string, string> {
  return {
    DEPLOY_WATCH_SHA: record.sha,
    DEPLOY_WATCH_STATE: record.state,
    DEPLOY_WATCH_BRANCH: record.branch ?? '',
    DEPLOY_WATCH_SOURCE: record.source ?? '',
    DEPLOY_WATCH_DEPLOYMENT_ID: record.deploymentId ?? '',
    DEPLOY_WATCH_PHASE: record.phase ?? '',
    DEPLOY_WATCH_MESSAGE: record.message ?? '',
    DEPLOY_WATCH_LOG_FILE: record.logFile ?? '',
    DEPLOY_WATCH_RECORD: JSON.stringify(record),
  };
}

export function slackText(record: StatusRecord): string {
  const icon = record.state === 'success' ? ':white_check_mark:' : ':x:';
  const what = record.state === 'success' ? 'deployed' : record.state;
  const detail = [record.branch, record.deploymentId && `deployment ${record.deploymentId}`, record.message]
    .filter(Boolean)
    .join(' · ');
  return `${icon} ${shortSha(record.sha)} ${what}${detail ? ` — ${detail}` : ''}`;
}

export async function notifyOutcome(record: StatusRecord, config: NotifyConfig, deps: NotifyDeps): Promise<void> {
  const timeoutMs = deps.timeoutMs ?? 10_000;
  const jobs: Promise<void>[] = [];
  if (config.command) jobs.push(runCommand(config.command, record, deps, timeoutMs));
  if (config.webhook) jobs.push(postWebhook(config.webhook, record, deps, timeoutMs));
  await Promise.all(jobs);
}

async function runCommand(command: string, record: StatusRecord, deps: NotifyDeps, timeoutMs: number): Promise<void> {
  // The command is the user's own shell line from their config, so it runs through sh as written.
  // Its own process group, so a timeout kills whatever the command started too (execa's own timeout
  // would kill the shell alone). reject: false makes every failure a result to log, never a throw.
  // execa is an ES module only: import()ed, so that the watcher's CommonJS bundle can carry this file.
  const { execa } = await import('execa');
  const subprocess = execa('/bin/sh', ['-c', command], {
    cwd: deps.cwd,
    env: { ...deps.env, ...recordEnv(record) },
    extendEnv: false,
    stdio: 'ignore',
    detached: true,
    reject: false,
  });
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    killGroup(subprocess.pid);
    subprocess.kill('SIGKILL');
  }, timerMs(timeoutMs));
  const result = await subprocess;
  clearTimeout(timer);
  if (timedOut) deps.warn(`notify command timed out after ${timeoutMs} ms and was killed: ${command}`);
  else if (result.exitCode === undefined && !result.signal)
    deps.warn(`notify command could not start (${result.originalMessage}): ${command}`);
  else if (result.exitCode !== undefined && result.exitCode !== 0)
    deps.warn(`notify command exited ${result.exitCode}: ${command}`);
}

function killGroup(pid: number | undefined): void {
  try {
    if (pid) process.kill(-pid, 'SIGKILL');
  } catch {
    /* the group is gone already */
  }
}

async function postWebhook(url: string, record: StatusRecord, deps: NotifyDeps, timeoutMs: number): Promise<void> {
  try {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ text: slackText(record), deployWatch: record }),
      signal: AbortSignal.timeout(timeoutMs),
    });
    if (!response.ok) deps.warn(`notify webhook answered HTTP ${response.status}`);
    await response.body?.cancel();
  } catch (error) {
    deps.warn(`notify webhook failed: ${redactText((error as Error).message)}`);
  }
}
