// The pieces every message uses: the command's name and a safe way to show any text.

export const BIN = 'deploy-watch';
/**
 * How the hints that are commands to run (the hook's line, check's advice) call deploy-watch: the project's
 * own bin, which starts in about a third of `npx deploy-watch`'s time (npx resolves the package first).
 */
export const RUN = './node_modules/.bin/deploy-watch';

/** Shows control characters and very long text safely inside a message. */
export function printable(input: string, max = 80): string {
  const clean = input.replace(/[\x00-\x1f\x7f]/g, '?');
  return clean.length > max ? `${clean.slice(0, max)}…` : clean;
}
