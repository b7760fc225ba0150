// The pieces every message uses: the command's name and a safe way to show any text.

export const BIN = 'deploy-watch';

/** Shows control characters and very long text safely inside a message. */
export function printable(input: string, max = 80): string {
  const clean = input.replace(/[\x00-\x1f\x7f]/g, '?');
  return clean.length > max ? `${clean.slice(0, max)}…` : clean;
}
