/**
 * The vectors of an interop syntax file, one per line. Blank lines and `# ` comment
 * lines are dropped; other lines are kept byte for byte, since some invalid vectors
 * have leading or trailing spaces. `#extra` (no space) is a record-key vector, not a
 * comment, so only `#` followed by a space or the end of the line starts a comment.
 */
export function vectorLines(text: string): string[] {
  return text
    .split('\n')
    .map((line) => (line.endsWith('\r') ? line.slice(0, -1) : line))
    .filter((line) => line.length > 0 && !/^#( |$)/.test(line))
}

/** The distinct vectors, for tests that write each one once. */
export const distinctVectorLines = (text: string): string[] => [...new Set(vectorLines(text))]
