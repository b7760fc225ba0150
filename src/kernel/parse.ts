// argv → typed values, with usage errors that name the flag.
import { UsageError } from './errors.js';
import * as msg from './messages.js';

export function parseNonNegative(flag: string, value: string, max = Number.MAX_SAFE_INTEGER): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n < 0 || n > max) {
    throw new UsageError(msg.badNumber(flag, value, `a number from 0 to ${max}`));
  }
  return n;
}

/** A whole count from 1 to max: `--limit 0` would show nothing and say so as if nothing were recorded. */
export function parseCount(flag: string, value: string, max: number): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isInteger(n) || n < 1 || n > max) {
    throw new UsageError(msg.badNumber(flag, value, `a whole number from 1 to ${max}`));
  }
  return n;
}
