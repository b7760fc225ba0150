// Config and logging pull in zod and pino: imported on first use, by the commands that use them. Apart from
// runtime.ts, so that the hook's single-file bundle (which imports runtime.ts) does not carry them.
import type { Loaders } from './runtime.js';

export const LOADERS: Loaders = {
  config: () => import('./kernel/config/config.js'),
  log: () => import('./kernel/log.js'),
};
