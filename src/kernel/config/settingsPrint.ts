// A fingerprint of the settings a commit is judged by: the resolved config (file and environment overrides)
// and which secrets are set. Each hand-over carries the asker's in its inbox entry, so a lingering watcher
// started with other settings (a config edited since, DEPLOY_WATCH_APP_ID fixed, a token exported) makes way
// for a fresh one started with the asker's. The inbox is a file: secrets are never in it, only a keyed hash of
// each (HMAC-SHA-256 under a random key kept in the state folder, 0600), so the file tells nobody anything.
import { nodeCrypto } from '../lazyBuiltins.js';
import type { Config } from './config.js';

export interface SettingsPrint {
  /** SHA-256 of the resolved config without its secrets and without where it came from. */
  config: string;
  /** Per secret (DIGITALOCEAN_ACCESS_TOKEN…): its keyed hash, or null when unset. */
  secrets: Record<string, string | null>;
}

export function settingsPrint(config: Config, key: Buffer): SettingsPrint {
  const { secrets, origin: _origin, ...settings } = config;
  const keyed = (value: string | null) =>
    value ? nodeCrypto().createHmac('sha256', key).update(value).digest('hex') : null;
  return {
    config: nodeCrypto().createHash('sha256').update(canonical(settings)).digest('hex'),
    secrets: Object.fromEntries(Object.entries(secrets).map(([name, value]) => [name, keyed(value)])),
  };
}

/**
 * True when a watcher with `mine` cannot judge a commit handed over with `theirs`: other settings, or a secret
 * the asker has that the watcher lacks or holds otherwise. A secret only the watcher has is no reason: a
 * `check --wait` from a shell without the token must not take it from every commit in flight.
 */
export function mustMakeWay(mine: SettingsPrint, theirs: SettingsPrint): boolean {
  if (mine.config !== theirs.config) return true;
  return Object.entries(theirs.secrets).some(([name, hash]) => hash !== null && mine.secrets[name] !== hash);
}

/** Read back from an inbox entry: a print, or null for anything else (an older version's entry). */
export function asSettingsPrint(value: unknown): SettingsPrint | null {
  if (typeof value !== 'object' || value === null) return null;
  const { config, secrets } = value as Partial<SettingsPrint>;
  if (typeof config !== 'string' || typeof secrets !== 'object' || secrets === null) return null;
  const valid = Object.values(secrets).every((v) => v === null || typeof v === 'string');
  return valid ? { config, secrets } : null;
}

/** JSON with every object's keys sorted, so equal settings print the same whatever their order. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}
