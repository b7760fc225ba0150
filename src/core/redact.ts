// Secret scrubbing for anything that may reach a log or a message.

const URL_PASSWORD = /(\b[a-z][a-z0-9+.-]*:\/\/[^:/?#\s@]*:)([^@/?#\s]*)@/gi;
const BEARER = /(bearer\s+)[A-Za-z0-9._~+/=-]+/gi;
const DO_TOKEN = /\bdo[por]_v1_[A-Za-z0-9]{8,}/g;

/** Removes URL passwords, bearer tokens and DigitalOcean token shapes, plus any listed secret values. */
export function redactText(text: string, secrets: readonly (string | null | undefined)[] = []): string {
  let out = text.replace(URL_PASSWORD, '$1[Redacted]@').replace(BEARER, '$1[Redacted]').replace(DO_TOKEN, '[Redacted]');
  for (const secret of secrets) {
    if (secret && secret.length >= 4) out = out.split(secret).join('[Redacted]');
  }
  return out;
}
