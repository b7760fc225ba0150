// The team store's connection: a small pool that never keeps a push waiting (short connect timeout), means
// by `sslmode=require` what libpq means (encrypt, do not verify: DigitalOcean's connection strings say it),
// and whose errors never carry the password.
import type pg from 'pg';
import { redactText } from '../../kernel/redact.js';

export const CONNECT_TIMEOUT_MS = 2_000;
const QUERY_TIMEOUT_MS = 5_000;

/** pg 8 reads sslmode=require as verify-full; libpq (and every PostgreSQL guide) means "encrypt only". */
export function withLibpqSsl(url: string): string {
  if (!/[?&]sslmode=(require|prefer)\b/.test(url) || /[?&]uselibpqcompat=/.test(url)) return url;
  return `${url}${url.includes('?') ? '&' : '?'}uselibpqcompat=true`;
}

/** The URL's password, in both spellings, for scrubbing messages. */
export { urlPasswords as secretsOf } from '../../kernel/redact.js';

/** pg is loaded here, on first use: `check` and the hooks, which import this module's callers, never pay for it. */
export async function createPool(url: string): Promise<pg.Pool> {
  const { default: pgModule } = await import('pg');
  const pool = new pgModule.Pool({
    connectionString: withLibpqSsl(url),
    max: 3,
    idleTimeoutMillis: 10_000,
    allowExitOnIdle: true,
    connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
    query_timeout: QUERY_TIMEOUT_MS,
    application_name: 'deploy-watch',
  });
  // A server restart between queries surfaces here; without a listener it would crash the process.
  pool.on('error', () => undefined);
  return pool;
}

const UNREACHABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EPIPE',
  '57P01', // admin_shutdown
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now (starting up, shutting down)
  '08000',
  '08001',
  '08003',
  '08006',
]);

/** True for errors that mean "the database cannot be reached now" (so: work offline), not a bad query or grant. */
export function isUnreachable(error: unknown): boolean {
  const err = error as { code?: unknown; message?: unknown };
  if (typeof err.code === 'string' && UNREACHABLE_CODES.has(err.code)) return true;
  const text = typeof err.message === 'string' ? err.message : '';
  // PgBouncer answers for a server it cannot reach: while it waits server_login_retry after a failed login,
  // and when a query waited query_wait_timeout for a server connection.
  return /timeout exceeded when trying to connect|Connection terminated|Query read timeout|connect ECONNREFUSED|server closed the connection|the database system is (starting up|shutting down)|no more connections allowed|pgbouncer cannot connect|server login has been failing|query_wait_timeout/i.test(
    text,
  );
}

/** The error's message without the password. */
export function cleanMessage(error: unknown, secrets: string[]): string {
  const err = error as { message?: unknown; code?: unknown };
  const text = typeof err.message === 'string' && err.message ? err.message : String(err.code ?? error);
  return redactText(text, secrets);
}
