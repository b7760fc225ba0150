// `monitor --branch/--remote` as given on the command line: checked by the command table's `monitor` and by
// the hand-over's own entry point (handOverMain.ts) alike.
import { UsageError } from '../../kernel/errors.js';
import * as msg from '../../kernel/messages.js';

// A conservative branch/remote name: what git allows in practice, never an option or a path trick.
const NAME = /^(?!-)(?!.*\.\.)[A-Za-z0-9._/@-]{1,200}$/;

export function assertPushNames(opts: { branch?: string; remote?: string }): void {
  for (const [flag, value] of [
    ['--branch', opts.branch],
    ['--remote', opts.remote],
  ] as const) {
    if (value !== undefined && !NAME.test(value))
      throw new UsageError(msg.badBranchName(value).replace('branch name', `${flag.slice(2)} name`));
  }
}
