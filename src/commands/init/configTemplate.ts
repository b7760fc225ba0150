// The deploy-watch.config.json that init writes when there is none: every key that has a safe default,
// with that default, so the file shows what can be tuned. The schema is strict and JSON has no comments,
// so the explanations live in the README ("Install into a repository"). Sources are left out: each needs
// the user's own value (digitalocean.appId, database, health.url), and a placeholder would be polled.
// `$schema` points editors at the JSON Schema shipped in the package, so they complete and check keys.
import { SCHEMA_REF } from '../../core/schemaFile.js';

export const CONFIG_TEMPLATE = {
  $schema: SCHEMA_REF,
  branch: 'main',
  remote: 'origin',
  branchPattern: '^(feat|fix|chore|docs|agent)/[a-z0-9._-]+$',
  polling: { fastInterval: 5, fastFor: 60, slowInterval: 15, timeout: 1800 },
  conflicts: { maxAttempts: 5, backoffBase: 1, backoffCap: 30 },
  notify: { command: null, webhook: null },
  cleanup: { days: 7 },
};

export const configTemplateText = (): string => `${JSON.stringify(CONFIG_TEMPLATE, null, 2)}\n`;
