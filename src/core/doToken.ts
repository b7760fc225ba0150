// The DigitalOcean token, read from the environment in one place. Both names count: doctl's
// DIGITALOCEAN_ACCESS_TOKEN, and DIGITALOCEAN_TOKEN, which Terraform's provider and many CI secrets use.
export const DO_TOKEN_VARIABLES = ['DIGITALOCEAN_ACCESS_TOKEN', 'DIGITALOCEAN_TOKEN'] as const;

export function doTokenOf(env: NodeJS.ProcessEnv): string | null {
  for (const name of DO_TOKEN_VARIABLES) if (env[name]) return env[name];
  return null;
}
