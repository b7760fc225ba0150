// The health source: a GET on the app's health URL; success only when it answers 2xx *and* reports this
// commit, read where `commit` says (a JSON path into the body, or `header:<name>`) or, when it is not set,
// where apps commonly put it (commitFinder.ts). An endpoint that names no commit shows the app is up, never
// that a commit deployed. One GET answers for every commit in flight.
import * as msg from '../kernel/messages.js';
import { redactText } from '../kernel/redact.js';
import { untilAborted } from '../kernel/untilAborted.js';
import { commitInBody, commitInHeaders, looksLikeSha } from './commitFinder.js';
import { parseJsonPath, readJsonPath, type PathStep } from './jsonPath.js';
import type { Observation, ObserveContext, Source } from './source.js';

export interface HealthSourceOptions {
  url: string;
  /** `$.version.commit` (JSON path) or `header:x-commit`; unset: looked for where apps commonly put it. */
  commit?: string;
  timeoutMs: number;
  /** For sharing one GET among the commits that ask at once (default Date.now). */
  now?(): number;
  /**
   * Whether `ancestor` is in `descendant`'s history (null: unknown): a later push serving that contains this
   * commit deployed it too. Without it, only this very commit counts.
   */
  isAncestor?(ancestor: string, descendant: string, remote: string | null): Promise<boolean | null>;
}

export type CommitLocator =
  | { kind: 'none' }
  | { kind: 'header'; name: string }
  | { kind: 'json'; path: string; steps: PathStep[] };

const MAX_REDIRECTS = 5;
const MAX_BODY = 1024 * 1024;

/** Reads `health.commit`; a string says what is wrong with it. */
export function parseCommitLocator(spec: string | undefined): CommitLocator | string {
  if (spec === undefined) return { kind: 'none' };
  const header = /^header:\s*(.*)$/i.exec(spec);
  if (header) {
    const name = header[1]!.trim();
    return /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name)
      ? { kind: 'header', name }
      : msg.healthCommitInvalid(spec, 'does not name a valid header');
  }
  const steps = parseJsonPath(spec.trim());
  return typeof steps === 'string' ? msg.healthCommitInvalid(spec, steps) : { kind: 'json', path: spec.trim(), steps };
}

/** A reported commit matches the full sha, or a prefix of it of at least 7 hex digits. */
export function commitMatches(reported: string, sha: string): boolean {
  const value = reported.trim().toLowerCase();
  return (
    value === sha.toLowerCase() ||
    (value.length >= 7 && /^[0-9a-f]+$/.test(value) && sha.toLowerCase().startsWith(value))
  );
}

/** What one GET of the health URL said: what every commit in flight is judged against. */
type Reading =
  | { kind: 'unavailable'; reason: string; permanent?: boolean; up?: boolean }
  | { kind: 'reported'; phase: string; reported: string; where: string };

const STOPPED: Reading = { kind: 'unavailable', reason: 'stopped' };

/** Commits asking within this long of one GET share its answer (they poll on the same grid). */
const SHARED_MS = 1_000;

export function createHealthSource(opts: HealthSourceOptions): Source {
  const locator = parseCommitLocator(opts.commit);
  const target = /^https?:\/\//i.test(opts.url) && URL.canParse(opts.url) ? withoutCredentials(opts.url) : null;
  const clean = (text: string) => redactText(text, target?.secrets);
  const now = opts.now ?? Date.now;
  let shared: { at: number; reading: Promise<Reading> } | null = null;

  async function probe(t: Target, l: CommitLocator): Promise<Reading> {
    const timeout = AbortSignal.timeout(opts.timeoutMs);
    try {
      const res = await get(t, timeout);
      if (typeof res === 'string') return { kind: 'unavailable', reason: clean(res) };
      return await readReport(res, l);
    } catch (error) {
      if (timeout.aborted) return { kind: 'unavailable', reason: msg.healthTimeout(opts.timeoutMs) };
      return { kind: 'unavailable', reason: clean(msg.healthNetwork(describe(error))) };
    }
  }

  async function observe(ctx: ObserveContext): Promise<Observation> {
    if (!target) return { kind: 'unavailable', reason: clean(msg.healthUrlInvalid(opts.url)), permanent: true };
    if (typeof locator === 'string') return { kind: 'unavailable', reason: locator, permanent: true };
    const t = now();
    if (!shared || t - shared.at >= SHARED_MS || t < shared.at) shared = { at: t, reading: probe(target, locator) };
    // The shared GET goes on for the others; a commit that stops following does not wait for it.
    const reading = await untilAborted(shared.reading, ctx.signal, STOPPED);
    if (reading.kind === 'unavailable') return reading;
    const reported = reading.reported.trim();
    const message = msg.healthReports(short(reported), reading.where);
    if (commitMatches(reported, ctx.sha))
      return { kind: 'state', state: 'success', phase: reading.phase, deploymentId: null, message };
    // A later push serving, built on this one (the next push landed first): this commit is deployed in it.
    if (looksLikeSha(reported) && (await opts.isAncestor?.(ctx.sha, reported, ctx.remote ?? null)) === true)
      return {
        kind: 'state',
        state: 'success',
        phase: reading.phase,
        deploymentId: null,
        message: msg.healthServesDescendant(short(reported), reading.where),
      };
    // Another commit: the old version still serves, so this one is in progress until it shows or the deadline.
    return { kind: 'state', state: 'deploying', phase: `serving ${short(reported)}`, deploymentId: null, message };
  }

  return { name: 'health', observe, maxPollMs: opts.timeoutMs };
}

interface Target {
  url: string;
  origin: string;
  authorization: string | null;
  secrets: string[];
}

/** fetch refuses URLs with user:password, so they become a Basic header, sent to that origin only. */
function withoutCredentials(raw: string): Target {
  const url = new URL(raw);
  const user = decodeLoosely(url.username);
  const password = decodeLoosely(url.password);
  const secrets = [url.password, password];
  const authorization = user || password ? `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}` : null;
  url.username = '';
  url.password = '';
  return { url: url.href, origin: url.origin, authorization, secrets };
}

function decodeLoosely(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    // not percent-encoded after all: the text as it came is the best reading
    return text;
  }
}

/** GET that follows at most a few redirects, and only to http(s). */
async function get(target: Target, signal: AbortSignal): Promise<Response | string> {
  let current = target.url;
  for (let hop = 0; hop <= MAX_REDIRECTS; hop++) {
    const headers: Record<string, string> = { accept: 'application/json, */*;q=0.5' };
    if (target.authorization && new URL(current).origin === target.origin) headers.authorization = target.authorization;
    const res = await fetch(current, { redirect: 'manual', signal, headers });
    const location = res.headers.get('location');
    if (res.status < 300 || res.status >= 400 || !location) return res;
    await res.body?.cancel();
    const next = URL.canParse(location, current) ? new URL(location, current) : null;
    if (!next || (next.protocol !== 'http:' && next.protocol !== 'https:')) return msg.healthRedirectRefused(location);
    next.username = '';
    next.password = '';
    current = next.href;
  }
  return msg.HEALTH_TOO_MANY_REDIRECTS;
}

/** The commit the app reports and where it was read, or why there is none. */
async function readReport(res: Response, locator: CommitLocator): Promise<Reading> {
  const phase = `HTTP ${res.status}`;
  if (res.status < 200 || res.status > 299) {
    await res.body?.cancel();
    return { kind: 'unavailable', reason: msg.healthStatus(res.status) };
  }
  if (locator.kind === 'none') return readCommonPlaces(res, phase);
  if (locator.kind === 'header') {
    await res.body?.cancel();
    const reported = res.headers.get(locator.name);
    if (!reported?.trim()) return { kind: 'unavailable', reason: msg.healthHeaderMissing(locator.name) };
    return { kind: 'reported', phase, reported, where: `header ${locator.name}` };
  }
  const text = await readCapped(res);
  if (text === null) return { kind: 'unavailable', reason: msg.healthBodyTooLarge(MAX_BODY) };
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON: said in the answer (unavailable, naming the path)
    return { kind: 'unavailable', reason: msg.healthNotJson(locator.path) };
  }
  const value = readJsonPath(body, locator.steps);
  const reported = typeof value === 'string' || typeof value === 'number' ? String(value) : null;
  if (!reported?.trim()) return { kind: 'unavailable', reason: msg.healthCommitMissing(locator.path) };
  return { kind: 'reported', phase, reported, where: locator.path };
}

/**
 * Without `health.commit`: the commit from the headers, else the JSON body, where apps commonly put it. None
 * there means the app is up but cannot say which commit serves: permanent, since asking again tells no more.
 */
async function readCommonPlaces(res: Response, phase: string): Promise<Reading> {
  const inHeaders = commitInHeaders(res.headers);
  if (inHeaders) {
    await res.body?.cancel();
    return { kind: 'reported', phase, reported: inHeaders.commit, where: inHeaders.where };
  }
  const text = await readCapped(res);
  const inBody = text === null ? null : commitInBody(parseOrNull(text));
  if (inBody) return { kind: 'reported', phase, reported: inBody.commit, where: inBody.where };
  return { kind: 'unavailable', reason: msg.healthNamesNoCommit(res.status), permanent: true, up: true };
}

function parseOrNull(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    // not JSON: a body that names no commit (the caller reads null so)
    return null;
  }
}

/** A short sha as git shows it, or a bounded printable version string. */
function short(reported: string): string {
  return /^[0-9a-f]{7,}$/i.test(reported) ? reported.slice(0, 7) : msg.printable(reported, 20);
}

/** The body as text, or null when it is larger than MAX_BODY (a health check never is). */
async function readCapped(res: Response): Promise<string | null> {
  if (!res.body) return '';
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
    size += chunk.length;
    if (size > MAX_BODY) return null; // leaving the loop cancels the stream
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function describe(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  const text = cause?.code ?? cause?.message ?? (error as Error).message ?? String(error);
  return msg.printable(String(text), 120);
}
