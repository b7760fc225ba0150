// The deploy-watch.config.json that init writes when there is none: every key that has a safe default,
// with that default (taken from the schema, so the two never disagree), so the file shows what can be
// tuned. The schema is strict and JSON has no comments, so the explanations live in the README ("Install
// into a repository"). Left out: the sources, each of which needs the user's own value (a placeholder
// would be polled), and conflicts.rules, which replaces the default rules once written.
// `$schema` points editors at the JSON Schema shipped in the package, so they complete and check keys.
import { configSchema } from '../../kernel/config/config.js';
import { SCHEMA_REF } from '../../kernel/config/schemaFile.js';

export function configTemplate(): Record<string, unknown> {
  const { branch, remote, branchPattern, polling, conflicts, notify, cleanup, github, gitlab } = configSchema.parse({});
  const { rules: _rules, ...retry } = conflicts;
  return {
    $schema: SCHEMA_REF,
    branch,
    remote,
    branchPattern,
    polling,
    conflicts: retry,
    notify,
    cleanup,
    github,
    gitlab,
  };
}

export const configTemplateText = (): string => `${JSON.stringify(configTemplate(), null, 2)}\n`;
