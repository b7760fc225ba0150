// Defaults shared by the zod schema (configSchema.ts) and the hook's zod-free reader (hooks/hookConfig.ts).
export const DEFAULT_BRANCH = 'main';
export const DEFAULT_REMOTE = 'origin';
export const DEFAULT_BRANCH_PATTERN = '^(feat|fix|chore|docs|agent)/[a-z0-9._-]+$';
