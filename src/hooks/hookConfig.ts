// The three keys the pre-push hook needs, read without zod: the hook runs on every push and must
// start in a few milliseconds. Full validation stays with `deploy-watch doctor` and the monitor.
// The defaults must equal config.ts's schema defaults (a unit test keeps them in step).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export const DEFAULT_BRANCH = 'main';
export const DEFAULT_REMOTE = 'origin';
export const DEFAULT_BRANCH_PATTERN = '^(feat|fix|chore|docs|agent)/[a-z0-9._-]+$';

export interface HookConfig {
  branch: string;
  remote: string;
  branchPattern: string;
  /** Set when the file could not be used; the hook says so in one line and goes on with defaults. */
  problem: string | null;
}

export function readHookConfig(topLevel: string, env: NodeJS.ProcessEnv): HookConfig {
  let raw: Record<string, unknown> = {};
  let problem: string | null = null;
  try {
    raw = rawConfig(topLevel);
  } catch (error) {
    problem = (error as Error).message;
  }
  const str = (value: unknown, fallback: string) => (typeof value === 'string' && value.length > 0 ? value : fallback);
  const config: HookConfig = {
    branch: env.DEPLOY_WATCH_BRANCH || str(raw.branch, DEFAULT_BRANCH),
    remote: env.DEPLOY_WATCH_REMOTE || str(raw.remote, DEFAULT_REMOTE),
    branchPattern: str(raw.branchPattern, DEFAULT_BRANCH_PATTERN),
    problem,
  };
  try {
    new RegExp(config.branchPattern);
  } catch {
    config.problem = `"branchPattern" ${JSON.stringify(config.branchPattern)} is not a valid regular expression`;
    config.branchPattern = DEFAULT_BRANCH_PATTERN;
  }
  return config;
}

function rawConfig(topLevel: string): Record<string, unknown> {
  const file = readJson(join(topLevel, 'deploy-watch.config.json'));
  if (file !== undefined) return asObject(file, 'deploy-watch.config.json');
  const pkg = readJson(join(topLevel, 'package.json'));
  if (pkg && typeof pkg === 'object' && 'deployWatch' in pkg) return asObject((pkg as { deployWatch: unknown }).deployWatch, 'package.json "deployWatch"');
  return {};
}

function readJson(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new Error(`${file} is not valid JSON (${(error as Error).message})`);
  }
}

function asObject(value: unknown, origin: string): Record<string, unknown> {
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) return value as Record<string, unknown>;
  throw new Error(`${origin} must hold a JSON object`);
}
