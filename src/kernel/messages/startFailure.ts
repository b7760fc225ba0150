// Messages of a watcher that could not start (its `stopped` record says why).

import { BIN, printable } from './common.js';

export const notWatched = (short: string, reason: string) =>
  `Not watched: ${reason} Once fixed, start it with: ${BIN} monitor ${short} --detach.`;
export const startFailedConfig = (detail: string) => `no monitor could start: ${detail}`;
export const startFailedOther = (detail: string) => `no monitor could start: ${printable(detail, 400)}`;
export const monitorNeverAppeared = (seconds: number, log: string) =>
  `no monitor could start: the background watcher left no trace within ${seconds}s. See ${log}, or run it in the foreground: ${BIN} monitor <sha>.`;
export const hookConfigInvalid = (short: string, detail: string) =>
  `${BIN}: the config is invalid, so no monitor will watch ${short}: ${detail} The push goes on.`;
export const hookNoSource = (short: string, detail: string) =>
  `${BIN}: no monitor will watch ${short}: ${detail} The push goes on.`;
export const hookStateDirUnusable = (short: string, detail: string) =>
  `${BIN}: no monitor will watch ${short}: ${detail} The push goes on.`;
export const configInvalidWithRecord = (detail: string) =>
  `${BIN}: warning: ${detail} (answering from the status record).`;
