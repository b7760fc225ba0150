// Whether the config is valid, remembered without zod: `check` of a commit with no outcome must say when
// the config is why (exit 78), and zod costs about as much as a whole Node start. The verdict is kept in the
// git dir beside the raw config and the environment it was reached from, word for word, and the schema it
// was checked against (config.schema.json, generated from the zod schema on every build): any change to
// one of them is a new question, which zod answers again. Only a verdict zod gave is remembered, the last
// few questions' each, so that calls that alternate (one with an environment override, one without) do not
// send each other back to zod.
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError } from '../errors.js';
import { writeFileAtomic } from '../fs/atomicWrite.js';
import { packageRoot, packageVersion } from '../packageRoot.js';
import { CONFIG_ENV_OVERRIDES } from './defaults.js';
import { readRawConfig } from './rawConfig.js';
import { SCHEMA_FILE } from './schemaFile.js';

export const VERDICT_FILE = 'deploy-watch-config-verdict.json';
const VERDICT_VERSION = 1;
/** How many questions' verdicts the file keeps, the latest first. */
const KEPT_VERDICTS = 4;
/** What the config's validity depends on beyond the file (config.ts: the overrides and the API URL). */
const ENV_KEYS = [...CONFIG_ENV_OVERRIDES, 'DEPLOY_WATCH_DO_API_URL'] as const;

/**
 * The config's problem (null: valid), from the verdict kept in `gitDir` when it was reached from the same
 * question, else from `validate` (zod), whose verdict is then kept. A config that cannot be read or parsed
 * as JSON is its own answer, found without zod.
 */
export async function configVerdict(
  topLevel: string,
  gitDir: string,
  env: NodeJS.ProcessEnv,
  validate: () => Promise<unknown>,
): Promise<ConfigError | null> {
  let question: string | null;
  try {
    question = questionOf(topLevel, env);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  const file = join(gitDir, VERDICT_FILE);
  const kept = question === null ? null : keptVerdict(file, question);
  if (kept) return kept.problem === null ? null : new ConfigError(kept.problem);
  let problem: ConfigError | null = null;
  try {
    await validate();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    problem = error;
  }
  if (question !== null) keep(file, question, problem?.message ?? null);
  return problem;
}

/** The whole question as one string; null when the schema's file is missing (then nothing is kept). */
function questionOf(topLevel: string, env: NodeJS.ProcessEnv): string | null {
  let schema: string;
  try {
    const stat = statSync(join(packageRoot(), SCHEMA_FILE), { bigint: true });
    schema = `${stat.size}:${stat.mtimeNs}`;
  } catch {
    return null; // an install without its schema file: zod answers every time
  }
  const { raw, origin } = readRawConfig(topLevel);
  const vars = Object.fromEntries(ENV_KEYS.map((key) => [key, env[key] ?? null]));
  return JSON.stringify([VERDICT_VERSION, packageVersion(), schema, origin, raw, vars]);
}

interface Verdict {
  question: string;
  problem: string | null;
}

/** The verdicts kept in `file`, latest first; none when it is missing, cut short or not ours. */
function keptVerdicts(file: string): Verdict[] {
  let kept: { verdicts?: unknown };
  try {
    kept = JSON.parse(readFileSync(file, 'utf8')) as { verdicts?: unknown };
  } catch {
    return []; // none yet, or cut short: zod answers and the file is written again
  }
  if (!Array.isArray(kept.verdicts)) return [];
  return kept.verdicts.filter(
    (v): v is Verdict => typeof v?.question === 'string' && (typeof v.problem === 'string' || v.problem === null),
  );
}

function keptVerdict(file: string, question: string): Verdict | null {
  return keptVerdicts(file).find((v) => v.question === question) ?? null;
}

function keep(file: string, question: string, problem: string | null): void {
  const others = keptVerdicts(file).filter((v) => v.question !== question);
  const verdicts = [{ question, problem }, ...others].slice(0, KEPT_VERDICTS);
  try {
    writeFileAtomic(file, `${JSON.stringify({ verdicts })}\n`);
  } catch {
    // A git dir we cannot write (read-only checkout): zod answers every time, and the answer is the same.
  }
}
