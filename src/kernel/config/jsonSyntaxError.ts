// Where a JSON.parse error is, as an editor names it (file:line:column and the line with a caret under the
// spot): V8 says only "at position 123", which nobody can find in a file by hand.

export interface JsonErrorSpot {
  line: number;
  column: number;
  /** The offending line, as it is in the file. */
  text: string;
  /** V8's reason without its position ("Expected ',' or '}' after property value"). */
  reason: string;
}

export function locateJsonError(source: string, error: Error): JsonErrorSpot {
  const at = /\bat position (\d+)/.exec(error.message);
  const position = at ? Number(at[1]) : source.length; // "Unexpected end of JSON input": the end
  const before = source.slice(0, Math.min(position, source.length));
  const lineStart = before.lastIndexOf('\n') + 1;
  const lineEnd = source.indexOf('\n', lineStart);
  const reason = error.message
    .replace(/\s*\(line \d+ column \d+\)/, '')
    .replace(/\s*in JSON at position \d+/, '')
    .trim();
  return {
    line: before.split('\n').length,
    column: before.length - lineStart + 1,
    text: source.slice(lineStart, lineEnd < 0 ? undefined : lineEnd).replace(/\r$/, ''),
    reason,
  };
}
