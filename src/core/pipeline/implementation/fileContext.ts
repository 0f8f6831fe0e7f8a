import { readForPrompt, type SecretPolicy } from '../../secrets/readForPrompt';
import { DEFAULT_SECRET_FILES } from '../../secrets/secretPaths';
import { trimOutput } from '../../workspace/trimOutput';

/** Characters of file content a session receives in all, and per file (head and tail kept); ~4 chars a token. */
export const FILES_BUDGET_CHARS = 48_000;
export const FILE_BUDGET_CHARS = 16_000;

/**
 * The named files as prompt text, each under a `=== path ===` header: the current content (trimmed to its
 * budget), `(does not exist yet)`, or why it cannot be shown (a path outside the worktree, a secret file).
 * Paths are untrusted (from the plan or a model's needFiles) and read through readForPrompt (confined, secret
 * files refused, credentials redacted). Duplicates are shown once; files past the total budget are only named.
 * `budget` (characters) defaults to the implementation sessions' 48,000 in all and 16,000 per file.
 */
export async function fileContext(
  worktreePath: string,
  paths: readonly string[],
  policy: SecretPolicy = { patterns: DEFAULT_SECRET_FILES, values: [] },
  budget: { totalChars: number; perFileChars: number } = { totalChars: FILES_BUDGET_CHARS, perFileChars: FILE_BUDGET_CHARS },
): Promise<string> {
  const parts: string[] = [];
  let used = 0;
  for (const path of [...new Set(paths)]) {
    const read = await readForPrompt(worktreePath, path, policy);
    if (!read.ok) {
      parts.push(`=== ${read.relative} ===\n(${read.missing ? 'does not exist yet' : `not shown: ${read.reason}`})`);
      continue;
    }
    const { text } = read;
    const shown = trimOutput(text, budget.perFileChars);
    if (used + shown.length > budget.totalChars) {
      parts.push(`=== ${read.relative} ===\n(not shown: the files budget of ${budget.totalChars} characters is used up; ask for it in needFiles if you need it)`);
      continue;
    }
    used += shown.length;
    parts.push(`=== ${read.relative} (${text.split('\n').length} lines) ===\n${shown}`);
  }
  return parts.length > 0 ? parts.join('\n\n') : '(no files)';
}
