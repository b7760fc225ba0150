// The three keys the pre-push hook needs, read without zod: the hook runs on every push and must
// start in a few milliseconds. Full validation stays with `deploy-watch doctor` and the monitor.
// Its defaults are the schema's own (core/defaults), so the hook and the full config never disagree.
import { DEFAULT_BRANCH, DEFAULT_BRANCH_PATTERN, DEFAULT_REMOTE } from '../kernel/config/defaults.js';
import { readRawConfig } from '../kernel/config/rawConfig.js';

export { DEFAULT_BRANCH, DEFAULT_BRANCH_PATTERN, DEFAULT_REMOTE };

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
    // an invalid pattern is the config's problem (said); the default pattern stands in
    config.problem = `"branchPattern" ${JSON.stringify(config.branchPattern)} is not a valid regular expression`;
    config.branchPattern = DEFAULT_BRANCH_PATTERN;
  }
  return config;
}

function rawConfig(topLevel: string): Record<string, unknown> {
  const { raw, origin } = readRawConfig(topLevel);
  if (typeof raw === 'object' && raw !== null && !Array.isArray(raw)) return raw as Record<string, unknown>;
  throw new Error(`${origin} must hold a JSON object`);
}
