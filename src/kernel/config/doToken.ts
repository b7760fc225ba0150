// The DigitalOcean token from the environment, read in one place (the config, logs' redaction, serve). No zod
// here: the runtime imports it before any config is loaded.

/**
 * The variables the DigitalOcean token is read from, in order: DIGITALOCEAN_ACCESS_TOKEN (doctl's name) wins
 * over DIGITALOCEAN_TOKEN (the name Terraform's provider and many CI secrets use).
 */
export const DO_TOKEN_VARIABLES = ['DIGITALOCEAN_ACCESS_TOKEN', 'DIGITALOCEAN_TOKEN'] as const;

/** The DigitalOcean API token: the one place that reads it from the environment. */
export function digitalOceanToken(env: NodeJS.ProcessEnv): string | null {
  for (const name of DO_TOKEN_VARIABLES) {
    const value = env[name];
    if (value) return value;
  }
  return null;
}

/** Every DigitalOcean token value set, the one used and the one it won over: both are kept out of logs. */
export function digitalOceanTokenSecrets(env: NodeJS.ProcessEnv): string[] {
  return DO_TOKEN_VARIABLES.map((name) => env[name]).filter((value): value is string => Boolean(value));
}
