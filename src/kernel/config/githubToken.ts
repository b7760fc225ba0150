// The GitHub token and API base from the environment, read in one place (the publisher, doctor, the logs'
// redaction). No zod here: the runtime imports it before any config is loaded.

/** The variables the GitHub token is read from, in order: GITHUB_TOKEN (Actions' name) wins over GH_TOKEN (gh's). */
export const GITHUB_TOKEN_VARIABLES = ['GITHUB_TOKEN', 'GH_TOKEN'] as const;
export const DEFAULT_GITHUB_API_URL = 'https://api.github.com';

/** The GitHub token publishing uses, or null (publishing off). */
export function gitHubToken(env: NodeJS.ProcessEnv): string | null {
  for (const name of GITHUB_TOKEN_VARIABLES) {
    const value = env[name];
    if (value) return value;
  }
  return null;
}

/** GITHUB_API_URL (GitHub Enterprise Server: https://<host>/api/v3), without a trailing slash. */
export function gitHubApiUrl(env: NodeJS.ProcessEnv): string {
  return (env.GITHUB_API_URL || DEFAULT_GITHUB_API_URL).replace(/\/+$/, '');
}

/** Every GitHub token value set, the one used and the one it won over: both are kept out of logs. */
export function gitHubTokenSecrets(env: NodeJS.ProcessEnv): string[] {
  return GITHUB_TOKEN_VARIABLES.map((name) => env[name]).filter((value): value is string => Boolean(value));
}
