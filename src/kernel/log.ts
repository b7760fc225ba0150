// The tool's own log: pino, JSON lines, in the state folder, secrets redacted.
// Synchronous writes: a monitor may be killed, and its last lines are the ones that matter.
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import pino, { type Logger } from 'pino';
import { openAppendNoFollow } from './fs/noFollow.js';
import { redactDeep } from './redact.js';

export type { Logger };

export const REDACT_PATHS = [
  'token',
  'authorization',
  'password',
  'databaseUrl',
  'storeUrl',
  'headers.authorization',
  'headers.Authorization',
  'req.headers.authorization',
  'config.secrets',
  'secrets',
  '*.token',
  '*.password',
  '*.databaseUrl',
  '*.storeUrl',
];

/** Appends to `file`, opened here without following a link (LinkRefused names one planted at its name). */
export function createLogger(file: string, secrets: readonly (string | null)[], level = 'info'): Logger {
  mkdirSync(dirname(file), { recursive: true });
  return pino(options(secrets, level), pino.destination({ dest: openAppendNoFollow(file), sync: true }));
}

/** The same JSON lines on stdout (`serve`: a supervisor or container runtime collects them). */
export function createStdoutLogger(secrets: readonly (string | null)[], level = 'info'): Logger {
  return pino(options(secrets, level), pino.destination({ dest: 1, sync: true }));
}

function options(secrets: readonly (string | null)[], level: string): pino.LoggerOptions {
  return {
    level,
    base: { pid: process.pid },
    redact: { paths: REDACT_PATHS, censor: '[Redacted]' },
    // Key-based redaction misses a token inside a message, a URL or an error: scrub every string too.
    hooks: {
      logMethod(args, method) {
        method.apply(this, args.map((a) => redactDeep(a, secrets)) as Parameters<typeof method>);
      },
    },
  };
}
