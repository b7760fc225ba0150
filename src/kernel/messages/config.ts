// Messages about the config file, its keys and the environment that overrides them.

import { printable } from './common.js';

export const configUnreadable = (file: string, detail: string) =>
  `Cannot read ${file}: ${detail}. Fix its permissions or remove it.`;
export const configNotJson = (file: string, spot: { line: number; column: number; text: string; reason: string }) =>
  `${file}:${spot.line}:${spot.column}: this file is not valid JSON (${spot.reason}). Fix the syntax; an empty config is {}.\n  ${printable(spot.text, 200)}\n  ${spot.text
    .slice(0, spot.column - 1)
    .replace(/[^\t]/g, ' ')}^`;
export const configNotObject = (origin: string) =>
  `${origin} must hold a JSON object of deploy-watch settings, for example {"branch": "main"}.`;
export const configHoldsSecret = (origin: string, key: string) =>
  `${origin} has a secret-looking key "${key}". Secrets never go in the config file: set DIGITALOCEAN_ACCESS_TOKEN or DATABASE_URL in the environment (or ~/.config/deploy-watch/env) and remove the key.`;
export interface ConfigProblem {
  key: string;
  problem: string;
  allowed: string | null;
}
const configProblem = ({ key, problem, allowed }: ConfigProblem) =>
  `"${key}" ${problem.replace(/^./, (c) => c.toLowerCase())}.${allowed ? ` Allowed here: ${allowed}.` : ''}`;
/** One problem on one line as before; several listed one a line, all in the same run. */
export const configInvalid = (origin: string, problems: readonly ConfigProblem[]) =>
  problems.length === 1
    ? `${origin}: ${configProblem(problems[0]!)} See the README's Configuration section.`
    : `${origin} has ${problems.length} problems:\n${problems.map((p) => `  - ${configProblem(p)}`).join('\n')}\nSee the README's Configuration section.`;
/** A number config key's bounds, named in its error so a typo (1e-9, 1e10, 1e400) says what is allowed. */
export const atLeast = (min: number, unit: string) => `must be at least ${min} ${unit}`;
export const atMost = (max: number, unit: string) => `must be at most ${max} ${unit}`;
export const moreThan = (min: number, unit: string) => `must be more than ${min} ${unit}`;
export const slowBelowFast = 'must be at least "fastInterval": the slow polling may not be faster than the fast one';
export const pollFloor = (value: number, floor: number) =>
  `is ${value} seconds; it must be at least ${floor} against DigitalOcean's API, whose token allows 5,000 requests an hour for the whole team (shorter intervals are only for a test API on this machine: DEPLOY_WATCH_DO_API_URL on 127.0.0.1)`;
export const doAppKeys = (count: number) =>
  count === 0
    ? 'needs "appId" (one app) or "apps" (several apps, each {"id": "<app uuid>", "name": "<short-name>"})'
    : 'has both "appId" and "apps": keep "appId" for one app, or list every app under "apps" (each with a short name) and remove "appId"';
export const APP_NAME_RULE = 'must be a short name of lowercase letters, digits and dashes, such as "api" or "web"';
export const duplicateAppName = (name: string) => `names "${printable(name)}" twice: give each app its own short name`;
export const appLeftOut = (name: string, branch: string) =>
  `A push to ${branch} does not deploy ${name}, so its deployments are left out of each push's outcome. If it should count:`;
export const badApiUrl = (url: string) => `DEPLOY_WATCH_DO_API_URL must be an http(s) URL; got "${printable(url)}".`;
