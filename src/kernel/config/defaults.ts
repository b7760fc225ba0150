// Defaults shared by the zod schema (configSchema.ts) and the hook's zod-free reader (hooks/hookConfig.ts).
export const DEFAULT_BRANCH = 'main';
export const DEFAULT_REMOTE = 'origin';
export const DEFAULT_BRANCH_PATTERN = '^(feat|fix|chore|docs|agent)/[a-z0-9._-]+$';
/**
 * The environment variables that override a config key (config.ts applies them): one list for what reads
 * the config without zod and must know when the environment changed it (the hook's cache, check's verdict).
 */
export const CONFIG_ENV_OVERRIDES = [
  'DEPLOY_WATCH_BRANCH',
  'DEPLOY_WATCH_REMOTE',
  'DEPLOY_WATCH_APP_ID',
  'DEPLOY_WATCH_HEALTH_URL',
] as const;
