// Finds and reads the config as plain JSON, without zod: the pre-push hook reads it on every push.
// config.ts validates what this returns.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError, isErrno } from '../errors.js';
import { locateJsonError } from './jsonSyntaxError.js';
import * as msg from '../messages.js';

export const CONFIG_FILE = 'deploy-watch.config.json';

/** Reads the raw config object and where it came from; {} when there is none. */
export function readRawConfig(topLevel: string): { raw: unknown; origin: string } {
  const file = join(topLevel, CONFIG_FILE);
  const fromFile = readJson(file);
  if (fromFile !== undefined) return { raw: fromFile, origin: file };
  const pkgFile = join(topLevel, 'package.json');
  const pkg = readJson(pkgFile);
  if (pkg && typeof pkg === 'object' && 'deployWatch' in pkg) {
    return { raw: (pkg as { deployWatch: unknown }).deployWatch, origin: `${pkgFile} ("deployWatch")` };
  }
  return { raw: {}, origin: 'defaults' };
}

function readJson(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if (isErrno(error, 'ENOENT')) return undefined;
    throw new ConfigError(msg.configUnreadable(file, (error as Error).message));
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new ConfigError(msg.configNotJson(file, locateJsonError(text, error as Error)));
  }
}
