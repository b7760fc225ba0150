// `deploy-watch logs [sha]`: a deployment's logs on demand (like `doctl apps logs`): the archived logs
// of a finished deployment within the log budget, or with --follow the live log until it ends. BUILD and
// DEPLOY logs go to runs/<sha>.log and onto the record, so `check` shows them too.
import type { Deps } from '../../deps.js';
import { resolveCommit } from '../../store/commitRef.js';
import { configuredApps } from '../../kernel/config/config.js';
import { ConfigError } from '../../kernel/errors.js';
import { EXIT } from '../../kernel/exitCodes.js';
import { shortSha } from '../../kernel/format.js';
import * as msg from '../../kernel/messages.js';
import { type LogPart, logText, mergeLogs, presentPart } from '../../store/logParts.js';
import { readSavedLog, saveLog, statusOf } from '../../store/savedLog.js';
import { logFetchInterrupted, type StatusRecord } from '../../store/statusRecord.js';
import type { DoClient, LogType } from '../../sources/digitalocean/client.js';
import { fetchLogsWithin, type LogBudget } from '../../sources/digitalocean/logs.js';
import type { FetchedLogs } from '../../sources/source.js';
import { followLiveLog } from '../../sources/digitalocean/liveLog.js';
import { mapPhase } from '../../sources/digitalocean/match.js';
import { Gate } from '../../sources/digitalocean/gate.js';
import { DO_TIMEOUT_MS, digitalOceanClient, doAccessOf } from '../../sources/digitalocean/connect.js';
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
  const access = doAccessOf(config);
  const apps = configuredApps(config);
  if (!config.digitalocean || apps.length === 0 || !access) {
    // A team member without the token still reads what the team's poller fetched into the store.
    const stored = options.follow || options.type === 'run' ? null : await storedLogs(sha, deps);
    if (!stored) throw new ConfigError(msg.logsNeedDigitalOcean);
    if (!deps.globals.json) deps.stderr.write(`${msg.logsFromTeamStore(shortSha(sha))}\n`);
    renderLogs(stored, options.tail, deps);
    return exitOf(stored);
  }
  const gate = new Gate({ now: deps.now, random: Math.random });
  const clientFor = (appId: string) => digitalOceanClient(access, appId, { now: deps.now, random: Math.random, gate });
  const read = await store.read(sha);
  const record = read.status === 'ok' ? read.record : null;
  const chosen = await whichApp(apps, options.app, record, sha, clientFor);
  if (!chosen?.deploymentId) {
    renderNoDeployment(sha, deps);
    return EXIT.notFound;
  }
  const { client, deploymentId } = chosen;
  const types: LogType[] = options.type ? [options.type.toUpperCase() as LogType] : ['BUILD', 'DEPLOY'];
  const budget: LogBudget = {
    budgetMs: config.digitalocean.logBudget * 1000,
    now: deps.now,
    sleep: deps.sleep,
    timeoutMs: DO_TIMEOUT_MS,
  };
  // The run log holds what check shows after a failure: BUILD and DEPLOY of the record's deployment, never a
  // RUN log nor another app's deployment over them.
  const ours = !types.includes('RUN') && (!record?.deploymentId || record.deploymentId === deploymentId);
  const ctx: Fetching = { client, sha, deploymentId, types, deps, budget, ours, tail: options.tail };
  let result: LogsResult;
  if (options.follow) {
    result = await follow(ctx, record);
  } else {
    const got = await fetchWhatIsMissing(ctx, record);
    if (got === 'running') return EXIT.inProgress;
    result = got;
  }
  renderLogs(result, options.tail, deps);
  return exitOf(result);
}

interface Fetching {
  client: DoClient;
  sha: string;
  deploymentId: string;
  types: LogType[];
  deps: Deps;
  budget: LogBudget;
  /** The log is the record's (BUILD/DEPLOY of its deployment): read from and saved to runs/<sha>.log. */
  ours: boolean;
  tail: number | null;
}

/**
 * The saved log's parts are printed at once; only the stages it lacks are fetched, each printed as it comes,
 * with a line on stderr saying what is awaited and until when. The saved log only grows (saveLog), and the
 * record is repaired to what it now holds, unless a live monitor is still fetching (it finishes that itself).
 */
async function fetchWhatIsMissing(ctx: Fetching, record: StatusRecord | null): Promise<LogsResult | 'running'> {
  const { deps, sha, deploymentId, types } = ctx;
  const store = deps.store();
  const saved = ctx.ours
    ? (await readSavedLog(store, sha)).filter(
        (p) => p.deploymentId === deploymentId && p.text !== null && (types as string[]).includes(p.type),
      )
    : [];
  // A record that names the saved stages (`logs.parts`) was written whole by this version: those are
  // trusted, and with `fetched` a stage it lacks never ran. An older record's log may have been cut on a
  // full disk: every stage is fetched again, and the longer one kept.
  const ourRecord = ctx.ours && record?.deploymentId === deploymentId;
  const trusted = ourRecord && Array.isArray(record.logs?.parts);
  const complete = trusted && record.logs?.state === 'fetched';
  const need = complete ? [] : types.filter((t) => !trusted || !saved.some((p) => p.type === t));
  if (need.length > 0 && (await stillRunning(ctx))) return 'running';
  const streaming = trusted && !deps.globals.json && ctx.tail === null;
  const print = (parts: readonly LogPart[]) => {
    if (streaming && parts.length > 0) deps.stdout.write(logText(parts));
  };
  print(saved);
  let fetched: FetchedLogs = { parts: [], complete: true, reason: null };
  if (need.length > 0) {
    const until = new Date(ctx.budget.now() + ctx.budget.budgetMs).toISOString();
    const have = trusted ? saved.map((p) => p.type) : [];
    if (!deps.globals.json) deps.stderr.write(`${msg.logsWaiting(shortSha(sha), deploymentId, need, have, until)}\n`);
    let printed = 0;
    fetched = await fetchLogsWithin(ctx.client, deploymentId, need, {
      ...ctx.budget,
      onPart: async (parts) => {
        print(parts.slice(printed));
        printed = parts.length;
      },
    });
  }
  const result = resultOf(ctx, mergeLogs(saved, fetched.parts), fetched, streaming);
  if (ctx.ours && need.length > 0) await keep(ctx, record, fetched, result);
  return result;
}

/** Logs are archived when the deployment ends: waiting out the budget for them now would only stall. */
async function stillRunning(ctx: Fetching): Promise<boolean> {
  const now = await ctx.client.deployment(ctx.deploymentId);
  const state = now.ok ? mapPhase(now.value.phase) : null;
  if (state !== 'pending' && state !== 'building' && state !== 'deploying') return false;
  renderStillRunning(ctx.sha, ctx.deploymentId, now.ok ? (now.value.phase ?? state) : state, ctx.deps);
  return true;
}

function resultOf(ctx: Fetching, parts: LogPart[], fetched: FetchedLogs, printed: boolean): LogsResult {
  const status = statusOf(parts, fetched);
  return {
    sha: ctx.sha,
    deploymentId: ctx.deploymentId,
    types: ctx.types,
    complete: status.state === 'fetched',
    reason: status.reason,
    parts,
    logFile: null,
    printed: printed && !ctx.deps.globals.json && ctx.tail === null,
  };
}

/** Saves what came into the commit's log (only ever more complete) and repairs the record's log state. */
async function keep(
  ctx: Fetching,
  record: StatusRecord | null,
  fetched: FetchedLogs,
  result: LogsResult,
): Promise<void> {
  const store = ctx.deps.store();
  // After a complete fetch a stage that cannot be had now never ran: no "not available" line joins the log.
  const parts = record?.logs?.state === 'fetched' ? fetched.parts.filter((p) => p.text !== null) : fetched.parts;
  const saved = await saveLog(store, ctx.sha, { ...fetched, parts });
  result.logFile = saved.logFile;
  if (!record) return;
  const logs = record.logs;
  // A live monitor's fetch writes its own end (from the same saved log); a fetch past its time died and is
  // repaired; otherwise the record changes only with the log.
  const interrupted = logFetchInterrupted(logs, ctx.deps.now());
  if (logs?.state === 'fetching' && !interrupted) return;
  if (!saved.written && !interrupted) return;
  await store.write({
    ...record,
    logFile: saved.logFile ?? record.logFile,
    logs: saved.logs,
    updatedAt: new Date(ctx.deps.now()).toISOString(),
  });
}

/** Each stage in turn: its live log while it runs, else its archived log; printed as it comes. */
async function follow(ctx: Fetching, record: StatusRecord | null): Promise<LogsResult> {
  const { client, sha, deploymentId: id, deps } = ctx;
  const parts: LogPart[] = [];
  const reasons: string[] = [];
  for (const type of ctx.types) {
    const urls = await client.logUrls(id, type, true);
    const live = urls.ok ? urls.value?.live_url : null;
    if (live) {
      let text = '';
      const print = (chunk: string) => {
        text += chunk;
        if (deps.globals.json) return;
        deps.stdout.write(chunk);
      };
      if (!deps.globals.json) deps.stdout.write(`${msg.logHeader(type, id)}\n`);
      const streamed = await followLiveLog(live, print, LIVE_IDLE_MS);
      if (streamed.ok) {
        parts.push(presentPart(type, id, text));
        if (!deps.globals.json && text !== '' && !text.endsWith('\n')) deps.stdout.write('\n');
        continue;
      }
      if (!streamed.unsupported) deps.stderr.write(`${msg.logsNotFetched(shortSha(sha), streamed.reason)}\n`);
    }
    const got = await fetchLogsWithin(client, id, [type], ctx.budget);
    if (!deps.globals.json) deps.stdout.write(logText(got.parts));
    parts.push(...got.parts);
    if (!got.complete && got.reason) reasons.push(got.reason);
  }
  const fetched = { parts, complete: reasons.length === 0, reason: reasons.join('; ') || null };
  const result = resultOf({ ...ctx, tail: null }, parts, fetched, true);
  if (ctx.ours) await keep(ctx, record, fetched, result);
  return result;
}

/** Team store: the BUILD and DEPLOY logs the poller stored for the commit, or null when there are none. */
async function storedLogs(sha: string, deps: Deps): Promise<LogsResult | null> {
  if (!deps.team()) return null;
  const store = deps.store();
  const read = await store.read(sha);
  const parts = await readSavedLog(store, sha);
  if (read.status !== 'ok' || !read.record.deploymentId) return null;
  const logs = read.record.logs;
  // The poller gave up on them: say so (exit 3), rather than ask this machine for a token it need not have.
  if (parts.length === 0 && logs?.state !== 'missing') return null;
  return {
    sha,
    deploymentId: read.record.deploymentId,
    types: ['BUILD', 'DEPLOY'],
    complete: logs?.state !== 'missing',
    reason: logs?.state === 'missing' ? logs.reason : null,
    parts,
    logFile: store.logLocation(sha),
    printed: false,
  };
}

/** 0 when some log is shown (the rest's reason on stderr), 3 when none could be had. */
function exitOf(result: LogsResult): number {
  return result.complete || result.parts.some((p) => p.text !== null) ? EXIT.success : EXIT.notFound;
}
