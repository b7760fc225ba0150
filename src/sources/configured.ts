// Whether the config and env give the monitor anything to ask: a pure check shared by buildSources and
// the pre-push hook (which must say at push time that nothing will be watched, without loading a source).
import type { Config } from '../kernel/config/config.js';
import * as msg from '../kernel/messages.js';

/** Whether DigitalOcean or the database can be asked: a source that can decide without the health endpoint. */
export function decidingSourceConfigured(config: Config): boolean {
  const { doToken, databaseUrl } = config.secrets;
  return Boolean((config.digitalocean && doToken) || (config.database && databaseUrl));
}

/** Why no source can be built, or null when at least one can. */
export function noSourceReason(config: Config): string | null {
  const { doToken } = config.secrets;
  if (decidingSourceConfigured(config) || config.health) return null;
  return config.digitalocean && !doToken ? `${msg.doNeedsToken} ${msg.NO_SOURCE_CONFIGURED}` : msg.NO_SOURCE_CONFIGURED;
}
