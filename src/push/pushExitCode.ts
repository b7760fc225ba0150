// The exit code of a finished push, shared by the CLI's renderer and the library API.
import { EXIT, PUSH_EXIT } from '../kernel/exitCodes.js';
import type { PushReport } from './pushWithRetry.js';

export function exitCodeOf(report: PushReport): number {
  switch (report.outcome) {
    case 'pushed':
    case 'up-to-date':
      return PUSH_EXIT.pushed;
    case 'gave-up':
      return PUSH_EXIT.gaveUp;
    case 'not-on-remote':
      return EXIT.internal;
    default:
      return PUSH_EXIT.failed;
  }
}
