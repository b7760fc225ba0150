// `deploy-watch logs [sha]`: a deployment's logs on demand (like `doctl apps logs`): the archived logs
// of a finished deployment within the log budget, or with --follow the live log until it ends. BUILD and
// DEPLOY logs go to runs/<sha>.log and onto the record, so `check` shows them too.
import type { Deps } from '../../core/deps.js';
import { resolveCommit } from '../../core/commitRef.js';
import { configuredApps } from '../../core/config.js';
import { ConfigError } from '../../core/errors.js';
import { EXIT } from '../../core/exitCodes.js';
import { shortSha } from '../../core/format.js';
import * as msg from '../../core/messages.js';
import type { StatusRecord } from '../../core/statusRecord.js';
import { DoClient, type LogType } from '../../sources/digitalocean/client.js';
import { fetchLogsWithin } from '../../sources/digitalocean/logs.js';
import { followLiveLog } from '../../sources/digitalocean/liveLog.js';
import { mapPhase } from '../../sources/digitalocean/match.js';
import { Gate } from '../../sources/digitalocean/gate.js';
import { DO_PER_PAGE, DO_TIMEOUT_MS } from '../../sources/index.js';
import { whichApp } from './whichApp.js';
import { renderLogs, renderNoDeployment, renderStillRunning, type LogsResult } from './render.js';

export interface LogsOptions {
  commit?: string | undefined;
  type?: 'build' | 'deploy' | 'run' | undefined;
  /** Print only the last n lines; null: all. */
  tail: number | null;
  follow: boolean;
  /** With several apps: which one's logs (by name); default the record's app. */
  app?: string | undefined;
}

/** A live log quiet for this long is treated as broken rather than waited on forever. */
const LIVE_IDLE_MS = 10 * 60_000;

export async function runLogs(options: LogsOptions, deps: Deps): Promise<number> {
  const store = deps.store();
  const sha = await resolveCommit(options.commit, { git: deps.git(), store, head: deps.repo().head });
  const config = await deps.config();
  const token = config.secrets.doToken;
  const apps = configuredApps(config);
  if (!config.digitalocean || apps.length === 0 || !token) {
    // A team member without the token still reads what the team's poller fetched into the store.
    const stored = options.follow || options.type === 'run' ? null : await storedLogs(sha, deps);
    if (!stored) throw new ConfigError(msg.logsNeedDigitalOcean);
    if (!deps.globals.json) deps.stderr.write(`${msg.logsFromTeamStore(shortSha(sha))}\n`);
    renderLogs(stored, options.tail, deps);
    return stored.complete ? EXIT.success : EXIT.notFound;
  }
  const gate = new Gate({ now: deps.now, random: Math.random });
  const clientFor = (appId: string) =>
    new DoClient({
      apiUrl: config.doApiUrl,
      token,
      appId,
      timeoutMs: DO_TIMEOUT_MS,
      perPage: DO_PER_PAGE,
      now: deps.now,
      random: Math.random,
      gate,
    });
  const read = await store.read(sha);
  const record = read.status === 'ok' ? read.record : null;
  const chosen = await whichApp(apps, options.app, record, sha, clientFor);
  if (!chosen?.deploymentId) {
    renderNoDeployment(sha, deps);
    return EXIT.notFound;
  }
  const { client, deploymentId } = chosen;
  const types: LogType[] = options.type ? [options.type.toUpperCase() as LogType] : ['BUILD', 'DEPLOY'];
  const budget = {
    budgetMs: config.digitalocean.logBudget * 1000,
    now: deps.now,
    sleep: deps.sleep,
    timeoutMs: DO_TIMEOUT_MS,
  };
  let result: LogsResult;
  if (options.follow) {
    result = await follow(client, sha, deploymentId, types, deps, budget);
  } else {
    // Logs are archived when the deployment ends: waiting out the budget for them now would only stall.
    const now = await client.deployment(deploymentId);
    const state = now.ok ? mapPhase(now.value.phase) : null;
    if (state === 'pending' || state === 'building' || state === 'deploying') {
      renderStillRunning(sha, deploymentId, now.ok ? (now.value.phase ?? state) : state, deps);
      return EXIT.inProgress;
    }
    const got = await fetchLogsWithin(client, deploymentId, types, budget);
    result = {
      sha,
      deploymentId,
      types,
      complete: got.complete,
      reason: got.reason,
      text: got.text,
      logFile: null,
      streamed: false,
    };
  }
  // The run log holds what check shows after a failure: BUILD and DEPLOY, never a RUN log over them.
  if (!types.includes('RUN') && result.text) {
    await store.writeLog(sha, result.text);
    result.logFile = store.logLocation(sha);
    if (record) await updateRecord(deps, record, result);
  }
  renderLogs(result, options.tail, deps);
  return result.complete ? EXIT.success : EXIT.notFound;
}

/** Each stage in turn: its live log while it runs, else its archived log. */
async function follow(
  client: DoClient,
  sha: string,
  id: string,
  types: LogType[],
  deps: Deps,
  budget: Parameters<typeof fetchLogsWithin>[3],
): Promise<LogsResult> {
  const parts: string[] = [];
  const reasons: string[] = [];
  for (const type of types) {
    const urls = await client.logUrls(id, type, true);
    const live = urls.ok ? urls.value?.live_url : null;
    if (live) {
      const header = `${msg.logHeader(type, id)}\n`;
      let text = '';
      const print = (chunk: string) => {
        text += chunk;
        if (deps.globals.json) return;
        deps.stdout.write(chunk);
      };
      if (!deps.globals.json) deps.stdout.write(header);
      const streamed = await followLiveLog(live, print, LIVE_IDLE_MS);
      if (streamed.ok) {
        parts.push(`${header}${text}${text.endsWith('\n') || text === '' ? '' : '\n'}`);
        continue;
      }
      if (!streamed.unsupported) deps.stderr.write(`${msg.logsNotFetched(shortSha(sha), streamed.reason)}\n`);
    }
    const got = await fetchLogsWithin(client, id, [type], budget);
    if (!deps.globals.json) deps.stdout.write(got.text);
    parts.push(got.text);
    if (!got.complete && got.reason) reasons.push(got.reason);
  }
  return {
    sha,
    deploymentId: id,
    types,
    complete: reasons.length === 0,
    reason: reasons.join('; ') || null,
    text: parts.join(''),
    logFile: null,
    streamed: true,
  };
}

/** Team store: the BUILD and DEPLOY logs the poller stored for the commit, or null when there are none. */
async function storedLogs(sha: string, deps: Deps): Promise<LogsResult | null> {
  const store = deps.store();
  if (!store.shared) return null;
  const read = await store.read(sha);
  const lines = await store.tailLog(sha, Number.MAX_SAFE_INTEGER);
  if (read.status !== 'ok' || !read.record.deploymentId) return null;
  const logs = read.record.logs;
  // The poller gave up on them: say so (exit 3), rather than ask this machine for a token it need not have.
  if (!lines && logs?.state !== 'missing') return null;
  return {
    sha,
    deploymentId: read.record.deploymentId,
    types: ['BUILD', 'DEPLOY'],
    complete: logs?.state !== 'missing',
    reason: logs?.state === 'missing' ? logs.reason : null,
    text: lines ? `${lines.join('\n')}\n` : '',
    logFile: store.logLocation(sha),
    streamed: false,
  };
}

async function updateRecord(deps: Deps, record: StatusRecord, result: LogsResult): Promise<void> {
  const logs: StatusRecord['logs'] = result.complete
    ? { state: 'fetched', until: null, reason: null }
    : { state: 'missing', until: null, reason: result.reason };
  // Only a record that is not being written by a live monitor's log fetch: that one finishes it itself.
  if (record.logs?.state === 'fetching') return;
  await deps.store().write({ ...record, logFile: result.logFile, logs, updatedAt: new Date(deps.now()).toISOString() });
}
