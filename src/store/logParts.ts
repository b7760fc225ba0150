// A saved build/deploy log (runs/<sha>.log) is a row of parts, each under a header naming its stage (BUILD,
// DEPLOY) and deployment; a part that could not be fetched is only its header, saying why. This module reads
// and writes that text, and decides what a new fetch may change in a saved log: a part is only ever
// replaced by a more complete one, so a fetch that fails (a 401, an API that does not answer) never
// replaces anything.
import * as msg from '../kernel/messages.js';

export interface LogPart {
  /** BUILD, DEPLOY (RUN logs are never saved); '' for text before any header. */
  type: string;
  deploymentId: string;
  /** The part's lines, each ending in a newline; null when it could not be fetched. */
  text: string | null;
  /** Why it could not be fetched (text null). */
  reason: string | null;
}

const ORDER = ['', 'BUILD', 'DEPLOY'];
const HEADER = /^=== (\S+) logs of deployment (\S+?)(?:: not available \((.*)\))? ===$/;

export function presentPart(type: string, deploymentId: string, text: string): LogPart {
  return { type, deploymentId, text: text === '' || text.endsWith('\n') ? text : `${text}\n`, reason: null };
}

export function missingPart(type: string, deploymentId: string, reason: string): LogPart {
  return { type, deploymentId, text: null, reason };
}

/** The text saved and printed: each part under its header. */
export function logText(parts: readonly LogPart[]): string {
  return parts
    .map((p) =>
      p.text === null
        ? `${msg.logHeaderMissing(p.type, p.deploymentId, p.reason ?? '')}\n`
        : p.type === ''
          ? p.text
          : `${msg.logHeader(p.type, p.deploymentId)}\n${p.text}`,
    )
    .join('');
}

/** The parts of a saved log's text (as logText wrote it; text before any header is a part of its own). */
export function parseLog(text: string): LogPart[] {
  const parts: LogPart[] = [];
  let current: LogPart | null = null;
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  for (const line of lines) {
    const header = HEADER.exec(line);
    if (header) {
      const [, type = '', deploymentId = '', reason] = header;
      current = reason === undefined ? presentPart(type, deploymentId, '') : null;
      parts.push(current ?? missingPart(type, deploymentId, reason ?? ''));
      continue;
    }
    if (!current) {
      current = presentPart('', '', '');
      parts.push(current);
    }
    current.text += `${line}\n`;
  }
  return parts;
}

export function lineCount(part: LogPart): number {
  return part.text === null ? -1 : part.text.split('\n').length - 1;
}

/** One part is more complete than another: fetched beats missing, more lines beat fewer. */
function better(candidate: LogPart, than: LogPart | undefined): boolean {
  return than === undefined || lineCount(candidate) > lineCount(than);
}

/**
 * What the saved log becomes with a new fetch: each stage's more complete part, in stage order. Parts of
 * another deployment (the commit was deployed again) give way only to a fetch that brought some text.
 */
export function mergeLogs(saved: readonly LogPart[], fetched: readonly LogPart[]): LogPart[] {
  const newDeployment = fetched.find((p) => p.text !== null)?.deploymentId;
  const kept = newDeployment ? saved.filter((p) => p.type === '' || p.deploymentId === newDeployment) : saved;
  const byType = new Map(kept.map((p) => [p.type, p]));
  for (const part of fetched) {
    if (better(part, byType.get(part.type))) byType.set(part.type, part);
  }
  return [...byType.values()].sort((a, b) => rank(a.type) - rank(b.type));
}

function rank(type: string): number {
  const at = ORDER.indexOf(type);
  return at === -1 ? ORDER.length : at;
}

/** Whether `merged` holds anything `saved` lacks (then it is written; otherwise the saved file stays). */
export function gained(merged: readonly LogPart[], saved: readonly LogPart[]): boolean {
  return merged.some((p) => !saved.includes(p)) && merged.some((p) => p.text !== null);
}

/** The stages whose text the log holds, in order. */
export function presentTypes(parts: readonly LogPart[]): string[] {
  return parts.filter((p) => p.text !== null && p.type !== '').map((p) => p.type);
}

/** Why the log is incomplete ("DEPLOY: …; …"), or null when no part is missing. */
export function missingReason(parts: readonly LogPart[]): string | null {
  const missing = parts.filter((p) => p.text === null).map((p) => `${p.type}: ${p.reason}`);
  return missing.join('; ') || null;
}
