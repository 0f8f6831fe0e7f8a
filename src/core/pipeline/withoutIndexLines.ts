/**
 * A unified diff (git's format) without its `index <blob>..<blob>[ <mode>]` header lines: blob hashes say nothing
 * to a reviewer (≈ 10 tokens a file). Only header lines can match: every line of a file's content in a diff starts
 * with a space, `+`, `-` or `\`.
 */
export function withoutIndexLines(diff: string): string {
  return diff.replace(/^index [0-9a-f]+\.\.[0-9a-f]+(?: \d+)?\r?\n/gm, '');
}
