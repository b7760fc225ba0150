// The database source: the team's own deployments table answers "what happened to this sha?".
// One pooled connection is kept across polls; every reason is scrubbed of the URL's password. The commits
// the watcher polls together are asked in one query (batchedQuery.ts); a query that cannot be batched
// is asked once per commit.
import pg from 'pg';
import { redactText } from '../kernel/redact.js';
import * as msg from '../kernel/messages.js';
import { BATCH_WINDOW_MS, batchedQuery } from './batchedQuery.js';
import type { Observation, ObserveContext, Source } from './source.js';

export interface DatabaseSourceOptions {
  /** DATABASE_URL (secret: never logged). */
  databaseUrl: string;
  /** A parameterised query; $1 is the full sha. */
  query: string;
  states: { success: string[]; failed: string[] };
  timeoutMs: number;
}

type Parsed = { ok: true; secrets: string[] } | { ok: false; reason: string };

/** Checks the URL before pg sees it, so a typo is a clear message and not a crash. */
function parseUrl(databaseUrl: string): Parsed {
  let url: URL;
  try {
    // libpq's `postgresql://user@/db?host=/socket/dir` has no host, which WHATWG URLs refuse.
    url = new URL(databaseUrl.replace(/^([a-z]+:\/\/[^/?#]*@)(?=[/?#]|$)/i, '$1localhost'));
  } catch {
    // not a URL: answered with a clear reason before pg sees it
    return { ok: false, reason: msg.dbUrlInvalid('not a URL') };
  }
  if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:') {
    return { ok: false, reason: msg.dbUrlInvalid(`scheme "${url.protocol}" is not postgresql:`) };
  }
  try {
    decodeURIComponent(url.username);
    return { ok: true, secrets: [url.password, decodeURIComponent(url.password)] };
  } catch {
    // bad percent-encoding: answered with a clear reason before pg sees it
    return { ok: false, reason: msg.dbUrlInvalid('bad percent-encoding in the user or password') };
  }
}

export function createDatabaseSource(opts: DatabaseSourceOptions): Source {
  const parsed = parseUrl(opts.databaseUrl);
  const secrets = parsed.ok ? parsed.secrets : [];
  const clean = (text: string) => redactText(text, secrets);
  let pool: pg.Pool | null = null;
  // PgBouncer (DigitalOcean's connection pools) refuses statement_timeout at startup: then the
  // client-side query_timeout alone bounds the wait.
  let serverTimeout = true;

  function getPool(): pg.Pool {
    if (pool) return pool;
    pool = new pg.Pool({
      connectionString: opts.databaseUrl,
      max: 1,
      idleTimeoutMillis: 0, // keep the connection between polls
      allowExitOnIdle: true,
      connectionTimeoutMillis: opts.timeoutMs,
      query_timeout: opts.timeoutMs,
      ...(serverTimeout ? { statement_timeout: opts.timeoutMs } : {}),
      application_name: 'deploy-watch',
    });
    // A server restart between polls surfaces here; without a listener it would crash the monitor.
    pool.on('error', () => undefined);
    return pool;
  }

  /** Runs a query; once, without statement_timeout, when the server refuses that startup parameter. */
  async function query(text: string, values: unknown[]): Promise<pg.QueryResult<unknown[]>> {
    const run = () => getPool().query<unknown[]>({ text, values, rowMode: 'array' });
    try {
      return await run();
    } catch (error) {
      if (!(serverTimeout && /unsupported startup parameter: statement_timeout/.test(String((error as Error).message))))
        throw error;
    }
    serverTimeout = false;
    await close();
    return run();
  }

  async function observeOne(sha: string): Promise<Observation> {
    try {
      const result = await query(opts.query, [sha]);
      return mapRow(result.fields ?? [], result.rows[0], opts.states);
    } catch (error) {
      return classify(error, opts.timeoutMs, clean);
    }
  }

  let batched = batchedQuery(opts.query);
  let waiting: Array<{ sha: string; answer(o: Observation): void }> = [];

  /** Everyone who asked within the window gets their answer from one query. */
  async function flush(): Promise<void> {
    const asked = waiting;
    waiting = [];
    const shas = [...new Set(asked.map((a) => a.sha))];
    let answers: Map<string, Observation>;
    try {
      const result = await query(batched!, [shas]);
      // Columns: the sha, the row's place, then the user's query's own columns.
      const fields = (result.fields ?? []).slice(2);
      answers = new Map();
      for (const row of result.rows) {
        const sha = String(row[0]);
        if (answers.has(sha)) continue; // the first row, as the query alone would answer
        answers.set(sha, mapRow(fields, row[1] === null ? undefined : row.slice(2), opts.states));
      }
    } catch (error) {
      // A query that only fails rewritten (a type the sha's text does not fit): ask it as written from now on.
      if (/^(42|0A)/.test(String((error as { code?: unknown }).code ?? ''))) {
        batched = null;
        for (const a of asked) a.answer(await observeOne(a.sha));
        return;
      }
      const failed = classify(error, opts.timeoutMs, clean);
      for (const a of asked) a.answer(failed);
      return;
    }
    for (const a of asked) a.answer(answers.get(a.sha) ?? mapRow([], undefined, opts.states));
  }

  async function observe(ctx: ObserveContext): Promise<Observation> {
    if (!parsed.ok) return { kind: 'unavailable', reason: parsed.reason, permanent: true };
    if (batched === null) return observeOne(ctx.sha);
    return new Promise((answer) => {
      waiting.push({ sha: ctx.sha, answer });
      if (waiting.length === 1) setTimeout(() => void flush(), BATCH_WINDOW_MS);
    });
  }

  async function close(): Promise<void> {
    const current = pool;
    pool = null;
    if (current) await current.end().catch(() => undefined);
  }

  // A poll may wait for the connection, then for the query: each bounded by the timeout.
  return { name: 'database', observe, close, maxPollMs: 2 * opts.timeoutMs };
}

/** One commit's answer: the first row of the query's result (none: not deployed yet). */
function mapRow(
  fields: Array<{ name: string }>,
  row: unknown[] | undefined,
  states: DatabaseSourceOptions['states'],
): Observation {
  if (fields.length === 0) return { kind: 'unavailable', reason: msg.DB_QUERY_NO_COLUMN, permanent: true };
  if (!row) return { kind: 'state', state: 'pending', phase: null, deploymentId: null };
  const named = fields.findIndex((field) => field.name === 'status');
  const value = toText(row[Math.max(named, 0)]);
  if (value === null)
    return { kind: 'state', state: 'pending', phase: null, deploymentId: null, message: msg.DB_NULL_STATUS };
  const idIndex = fields.findIndex((field) => field.name === 'deployment_id' || field.name === 'id');
  const deploymentId = idIndex >= 0 ? toText(row[idIndex]) : null;
  if (states.success.includes(value)) return { kind: 'state', state: 'success', phase: value, deploymentId };
  if (states.failed.includes(value)) return { kind: 'state', state: 'failed', phase: value, deploymentId };
  return { kind: 'state', state: 'deploying', phase: msg.printable(value, 200), deploymentId };
}

/** A status as text: trimmed (char(n) pads), dates as ISO, anything else as JSON. */
function toText(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string') return value.trim();
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  if (value instanceof Date) return value.toISOString();
  return JSON.stringify(value);
}

const AUTH = new Set(['28P01', '28000']);
const MISSING_OBJECT = new Set(['42P01', '42703', '42883', '3F000']);
const NETWORK = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ETIMEDOUT',
  'EPIPE',
]);

/** Turns a pg or socket error into a reason; errors that retrying cannot fix are permanent. */
function classify(error: unknown, timeoutMs: number, clean: (text: string) => string): Observation {
  const err = error as { code?: unknown; message?: unknown };
  const code = typeof err.code === 'string' ? err.code : '';
  const detail = clean(
    msg.printable(typeof err.message === 'string' && err.message ? err.message : code || String(error), 200),
  );
  // `detail` is the only text from outside, and it is scrubbed above.
  const permanent = (reason: string): Observation => ({ kind: 'unavailable', reason, permanent: true });
  const transient = (reason: string): Observation => ({ kind: 'unavailable', reason });

  if (AUTH.has(code)) return permanent(msg.dbAuthFailed(detail));
  if (code === '3D000') return permanent(msg.dbMissing(detail));
  if (MISSING_OBJECT.has(code)) return permanent(msg.dbQueryObjectMissing(detail));
  if (code === '42P18') return permanent(msg.DB_QUERY_PARAM_TYPE);
  if (code.startsWith('42')) return permanent(msg.dbQueryInvalid(detail));
  if (code === '08P01' && /bind message supplies/.test(detail)) return permanent(msg.DB_QUERY_NO_PARAM);
  if (/client password must be a string/.test(detail)) return permanent(msg.DB_NO_PASSWORD);
  if (/CERT|SELF_SIGNED|UNABLE_TO_/.test(code) || /certificate/i.test(detail)) return permanent(msg.dbSslCert(detail));
  if (/\bSSL\b/.test(detail) && !code.startsWith('5')) return permanent(msg.dbSsl(detail));
  if (/^connect /.test(detail)) return transient(msg.dbUnreachable(detail)); // incl. a Unix socket not there (ENOENT)
  if (code === 'ENOENT' || code === 'EACCES')
    return permanent(msg.dbUrlInvalid(`a file it names cannot be read: ${detail}`));
  if (code === '57014' || /Query read timeout/.test(detail)) return transient(msg.dbTimeout('querying', timeoutMs));
  if (/timeout/i.test(detail)) return transient(msg.dbTimeout('connecting', timeoutMs));
  if (NETWORK.has(code)) return transient(msg.dbUnreachable(detail));
  return transient(msg.dbFailed(detail));
}
