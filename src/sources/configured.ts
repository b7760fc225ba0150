// Whether the config and env give the monitor anything to ask: a pure check shared by buildSources and
// the pre-push hook (which must say at push time that nothing will be watched, without loading a source).
import type { Config } from '../core/config.js';
import * as msg from '../core/messages.js';

/** Why no source can be built, or null when at least one can. */
export function noSourceReason(config: Config): string | null {
  const { doToken, databaseUrl } = config.secrets;
  if ((config.digitalocean && doToken) || (config.database && databaseUrl) || config.health) return null;
  return config.digitalocean && !doToken ? `${msg.doNeedsToken} ${msg.NO_SOURCE_CONFIGURED}` : msg.NO_SOURCE_CONFIGURED;
}
