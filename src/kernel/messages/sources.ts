// Messages of the database and health sources.

import { printable } from './common.js';

export const dbUrlInvalid = (detail: string) =>
  `DATABASE_URL is not a usable PostgreSQL connection string (${detail}). Set it to postgresql://USER:PASSWORD@HOST:5432/DBNAME (percent-encode special characters in the password).`;
export const dbAuthFailed = (detail: string) =>
  `The database refused the login (${detail}). Fix the user and password in DATABASE_URL, or the server's pg_hba.conf.`;
export const DB_NO_PASSWORD =
  'The database asks for a password but DATABASE_URL has none. Add it: postgresql://USER:PASSWORD@HOST/DBNAME.';
export const dbMissing = (detail: string) =>
  `The database named in DATABASE_URL is not there (${detail}). Fix the database name in DATABASE_URL.`;
export const dbQueryObjectMissing = (detail: string) =>
  `The database query fails: ${detail}. Fix database.query in the config so that it reads an existing table and column (the sha is $1).`;
export const dbQueryInvalid = (detail: string) =>
  `The database query is invalid: ${detail}. Fix database.query in the config (the sha is $1).`;
export const DB_QUERY_NO_PARAM =
  'database.query does not use $1, so it cannot ask about this commit. Use $1 for the full sha, for example: select status from deployments where commit_sha = $1.';
export const DB_QUERY_PARAM_TYPE =
  'database.query uses $1 where PostgreSQL cannot tell its type. Cast it: $1::text (for example: where commit_sha = $1::text).';
export const DB_QUERY_NO_COLUMN =
  'database.query returns no column; it must return the status (a column named status, or the first column).';
export const dbSsl = (detail: string) =>
  `The database connection failed on SSL: ${detail}. Fix sslmode in DATABASE_URL (?sslmode=disable for a server without SSL).`;
export const dbSslCert = (detail: string) =>
  `The database's SSL certificate is not trusted (${detail}). Give its CA in DATABASE_URL with sslrootcert=/path/to/ca.pem (DigitalOcean: download the CA certificate from the database's page), or encrypt without verifying: ?sslmode=no-verify.`;
export const dbTimeout = (what: 'connecting' | 'querying', ms: number) =>
  `The database did not answer within ${ms} ms while ${what}.`;
export const dbUnreachable = (detail: string) => `Cannot reach the database: ${detail}.`;
export const dbFailed = (detail: string) => `The database query failed: ${detail}.`;
export const DB_NULL_STATUS = 'the status is null';
export const healthUrlInvalid = (url: string) => `health.url must be an http(s) URL; got "${printable(url)}".`;
export const healthCommitInvalid = (spec: string, problem: string) =>
  `health.commit "${printable(spec)}" ${problem}. Use a JSON path into the body such as $.version.commit, or header:<name> for a response header.`;
export const healthStatus = (status: number) => `The health endpoint answered HTTP ${status}.`;
export const healthTimeout = (ms: number) => `The health endpoint did not answer within ${ms} ms.`;
export const healthNetwork = (detail: string) => `Cannot reach the health endpoint: ${detail}.`;
export const healthRedirectRefused = (location: string) =>
  `The health endpoint redirects to "${printable(location)}", which is not an http(s) URL; not followed.`;
export const HEALTH_TOO_MANY_REDIRECTS =
  'The health endpoint redirected more than 5 times; fix health.url to point at the final address.';
export const healthBodyTooLarge = (max: number) =>
  `The health endpoint's body is larger than ${max} bytes; point health.url at a small JSON status document.`;
export const healthNotJson = (path: string) =>
  `The health endpoint's body is not JSON, so ${path} cannot be read. Point health.url at a JSON document, or use health.commit "header:<name>".`;
export const healthCommitMissing = (path: string) =>
  `The health endpoint's JSON has no commit at ${path} (missing, null or not text). Fix health.commit or make the endpoint report its commit there.`;
export const healthHeaderMissing = (name: string) =>
  `The health endpoint's answer has no ${printable(name)} header. Fix health.commit or make the endpoint send it.`;
export const healthReports = (short: string, where: string) => `the health endpoint reports commit ${short} (${where})`;
export const healthServesDescendant = (short: string, where: string) =>
  `the health endpoint reports commit ${short} (${where}), a later commit that contains this one`;
export const healthNamesNoCommit = (status: number) =>
  `The health endpoint is up (HTTP ${status}) but names no commit, so it cannot tell whether this commit deployed. Set health.commit to where the endpoint reports its commit (a JSON path such as $.version.commit, or header:<name>), or make it report the commit in a field such as "commit" or a header such as x-commit-sha (the places looked in: deploy-watch doctor, or the README's "Database and health sources").`;
export const healthNoCommitFix = (headers: readonly string[], fields: readonly string[]) =>
  `Set health.commit to where the endpoint reports its commit: a JSON path such as $.version.commit, or header:<name>. Or make the endpoint report it (a full or abbreviated sha) in one of the places deploy-watch looks without health.commit: the headers ${headers.join(', ')}; the JSON fields ${fields.join(', ')}. On App Platform, bind an env var to \${_self.COMMIT_HASH} and return it.`;
export const HEALTH_URL_FIX = 'Set health.url to a URL that answers 2xx once the app is up.';
export const HEALTH_ONLY_UP =
  'the health source alone can say the app is up, never that a commit deployed: every push would end with no outcome (exit 3).';
