// node:crypto on first use. Imported as an ES module, a builtin's namespace is built from all its exports,
// which runs node:crypto's lazy getters (WebCrypto and the rest): a profile of `check` put ~20 ms there on
// a loaded machine, for a hash or random bytes that check's answers rarely need.
import { createRequire } from 'node:module';

let loaded: typeof import('node:crypto') | undefined;

export const nodeCrypto = (): typeof import('node:crypto') =>
  (loaded ??= createRequire(import.meta.url)('node:crypto') as typeof import('node:crypto'));
