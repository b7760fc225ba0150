// Team mode, decided in one place: DEPLOY_WATCH_STORE_URL names the team's PostgreSQL; without it every answer
// comes from the state folder's files. The runtime puts the answer on Deps (`deps.team()`) and the library
// API on its opened repository; every other place reads it from there. No zod here: the runtime imports it
// before any config is loaded.

export interface TeamMode {
  /** DEPLOY_WATCH_STORE_URL (secret: never printed). */
  url: string;
  /** DEPLOY_WATCH_STORE_LISTEN_URL: a direct connection for LISTEN beside a pooled `url` (secret too). */
  listenUrl: string | null;
}

/** The team's store, or null outside team mode. */
export function teamModeOf(env: NodeJS.ProcessEnv): TeamMode | null {
  const url = env.DEPLOY_WATCH_STORE_URL;
  return url ? { url, listenUrl: env.DEPLOY_WATCH_STORE_LISTEN_URL || null } : null;
}
