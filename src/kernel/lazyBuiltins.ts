// Builtins that a short-lived command rarely needs, required on first use. Imported as an ES module, a
// builtin's namespace is built from all its exports, which runs node:crypto's lazy getters (WebCrypto and
// the rest): a profile of `check` put ~20 ms there on a loaded machine. And in the CommonJS bundles of
// check, the hook and the watcher an import is a require() when the bundle loads: node:child_process (with
// node:net and the streams under it) cost ~10 ms of every `check`, which spawns nothing.
import { createRequire } from 'node:module';

const load = createRequire(import.meta.url);
let crypto: typeof import('node:crypto') | undefined;
let childProcess: typeof import('node:child_process') | undefined;

export const nodeCrypto = (): typeof import('node:crypto') => (crypto ??= load('node:crypto'));

export const nodeChildProcess = (): typeof import('node:child_process') =>
  (childProcess ??= load('node:child_process'));
