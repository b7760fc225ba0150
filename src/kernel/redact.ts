// Secret scrubbing for anything that may reach a log or a message. Over-redacting is fine; leaking is not.

// scheme://user:password@host — the password may itself hold '/', '#' or '@': take everything up to the
// last '@' of the URL token.
const URL_PASSWORD = /(\b[a-z][a-z0-9+.-]*:\/\/[^:/?#\s@]*:)\S*@/gi;
const AUTH_HEADER = /(\b(?:bearer|basic)\s+)[A-Za-z0-9._~+/=-]+/gi;
const DO_TOKEN = /\bdo[por]_v1_[A-Za-z0-9]{8,}/g;
// GitHub's token shapes: classic and app tokens (ghp_, gho_, ghu_, ghs_, ghr_) and fine-grained ones.
const GITHUB_TOKEN = /\b(?:gh[pousr]_[A-Za-z0-9]{20,}|github_pat_[A-Za-z0-9_]{20,})/g;
// GitLab's prefixed tokens: personal, project and group access tokens (glpat-), deploy, runner, trigger, OAuth.
const GITLAB_TOKEN = /\bgl(?:pat|dt|rt|cbt|ptt|ft|imt|oas|soat|ffct)-[A-Za-z0-9_-]{20,}/g;

/** The URL's password, in both spellings (as written and decoded), for scrubbing messages; none for a non-URL. */
export function urlPasswords(url: string): string[] {
  try {
    const password = new URL(url).password;
    return password ? [password, decodeURIComponent(password)] : [];
  } catch {
    return []; // not a URL: it has no password to take out (the whole value is listed where it is secret)
  }
}

/** Removes URL passwords, bearer/basic credentials and DigitalOcean, GitHub and GitLab token shapes, plus any listed secret values. */
export function redactText(text: string, secrets: readonly (string | null | undefined)[] = []): string {
  let out = text
    .replace(URL_PASSWORD, '$1[Redacted]@')
    .replace(AUTH_HEADER, '$1[Redacted]')
    .replace(DO_TOKEN, '[Redacted]')
    .replace(GITHUB_TOKEN, '[Redacted]')
    .replace(GITLAB_TOKEN, '[Redacted]');
  for (const secret of secrets) {
    if (secret && secret.length >= 4) out = out.split(secret).join('[Redacted]');
  }
  return out;
}

/** The same for every string inside a value (objects, arrays, Error messages and stacks), depth-limited. */
export function redactDeep(value: unknown, secrets: readonly (string | null | undefined)[] = [], depth = 0): unknown {
  if (typeof value === 'string') return redactText(value, secrets);
  if (depth > 8 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((v) => redactDeep(v, secrets, depth + 1));
  const source =
    value instanceof Error ? { ...value, type: value.name, message: value.message, stack: value.stack } : value;
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(source)) out[key] = redactDeep(v, secrets, depth + 1);
  return out;
}
